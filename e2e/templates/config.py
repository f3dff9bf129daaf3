"""A loaded template, seen the way ``inspect`` and ``scenarios-from`` see a
live API (what ``e2e.aws.config.read_config`` returns for the same API once
created): the loaded gateway model itself, with the target it stands for. So the same inspectors and generator judge a
template before deploy and the deployed API after, with the same finding codes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from e2e.aws.config import Config, HttpConfig, RestConfig
from e2e.aws.target import ResolvedApi
from e2e.gateway.model import HttpApi, RestApi
from e2e.templates import LoadedTemplate
from e2e.templates.intrinsics import DEFAULT_REGION


@dataclass(frozen=True)
class TemplateTarget(ResolvedApi):
    """A template's API: named by file and logical id, not by an API id it does not have yet."""

    file: str = ""

    @property
    def label(self) -> str:
        return f"{self.file}#{self.api_id}"


def template_target(loaded: LoadedTemplate, region: str | None = None) -> ResolvedApi:
    api = loaded.api
    region = region or loaded.region or DEFAULT_REGION
    base = f"https://{loaded.logical_id.lower()}.execute-api.{region}.amazonaws.com"
    return TemplateTarget(kind=api.type, api_id=loaded.logical_id, name=api.name, stage=api.stage, region=region,
                          base_url=base if api.stage == "$default" else f"{base}/{api.stage}", file=loaded.file)


def template_config(loaded: LoadedTemplate, region: str | None = None) -> Config:
    region = region or loaded.region or DEFAULT_REGION
    target = template_target(loaded, region)
    api = loaded.api
    if isinstance(api, RestApi):
        return _rest(api, target, loaded.notes)
    assert isinstance(api, HttpApi)
    return _http(api, target, loaded.notes)


def _rest(api: RestApi, target: ResolvedApi, notes: list[str]) -> RestConfig:
    return RestConfig(api=target, model=api, notes=list(notes))


def _http(api: HttpApi, target: ResolvedApi, notes: list[str]) -> HttpConfig:
    return HttpConfig(api=target, model=api, notes=list(notes))
