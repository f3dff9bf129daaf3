"""repro with a secret in the URL: the browser fetches the URL as given, but
stdout and --json show the secret query parameters masked, and a URL with a
password is refused without echoing the password."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2e.cli import main
from e2e.exchange import REDACTED
from e2e.gateway import LocalGateway, load_api

SECRETS = ("tok-SECRET-1", "sig-SECRET-2", "cred-SECRET-3")


@pytest.mark.browser
def test_secret_query_parameters_are_fetched_but_never_shown(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "repro.json"
    with LocalGateway() as gateway:
        api = gateway.add(load_api("reference", variables={"allowed_origin": "https://app.example.com"}))
        url = (f"{api.base_url}/items?access_token={SECRETS[0]}&X-Amz-Signature={SECRETS[1]}"
               f"&X-Amz-Credential={SECRETS[2]}&page=2")
        # From an origin the API does not allow: blocked, so the engine's console
        # message (which quotes the URL) is in the report too.
        code = main(["repro", "--url", url, "--origin", "https://shop.example.com", "-H", "X-Trace: 1",
                     "--browser", "chromium", "--json", str(out), "-q"])
        fetched = [e.query for e in gateway.all_exchanges()]
    printed = capsys.readouterr()
    assert code == 1, printed.err
    # The request the browser made carried the secrets unchanged...
    assert any(f"access_token={SECRETS[0]}" in q and f"X-Amz-Signature={SECRETS[1]}" in q for q in fetched), fetched
    # ...and nothing shown or saved holds them.
    text = out.read_text()
    for secret in SECRETS:
        assert secret not in printed.out and secret not in printed.err and secret not in text
    [cell] = json.loads(text)["cells"]
    assert cell["verdict"] == "blocked"
    masked = (f"{api.base_url}/items?access_token={REDACTED}&X-Amz-Signature={REDACTED}"
              f"&X-Amz-Credential={REDACTED}&page=2")
    assert cell["url"].startswith(masked + "&cors-e2e-cell=")
    assert any(f"access_token={REDACTED}" in m for m in cell["console"]), "Chromium quotes the blocked URL"
    queries = [e["query"] for e in cell["exchange"]]
    assert queries and all(f"access_token={REDACTED}" in q and "page=2" in q for q in queries)
    assert f"GET {masked} from https://shop.example.com" in printed.out


@pytest.mark.parametrize("args", [
    ["--url", "https://alice:pw-SECRET@api.example.com/items", "--origin", "https://shop.example.com"],
    ["--curl", "curl 'https://alice:pw-SECRET@api.example.com/items' -H 'Origin: https://shop.example.com'"],
])
def test_a_url_with_a_password_is_refused_without_showing_it(args: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["repro", *args]) == 2
    printed = capsys.readouterr()
    assert "pw-SECRET" not in printed.out + printed.err and "alice" not in printed.err
    [line] = printed.err.strip().splitlines()
    assert "has credentials (user:password@) in the URL" in line and "api.example.com/items" in line
