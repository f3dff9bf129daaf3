"""Shared fixtures: one LocalGateway per session serving every fixture API and
the test-only APIs in tests/gateway/apis/."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.gateway import LocalGateway, RunningApi, list_apis, load_api

from .httpclient import AUTHORIZER_LOG, VARIABLES

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def gateway() -> Iterator[LocalGateway]:
    with LocalGateway() as gw:
        for name in list_apis():
            gw.add(load_api(name, variables=VARIABLES))
        for path in sorted((HERE / "apis").glob("*.yaml")):
            gw.add(load_api(path, variables=VARIABLES))
        yield gw
    Path(AUTHORIZER_LOG).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def apis(gateway: LocalGateway) -> dict[str, RunningApi]:
    return gateway.apis
