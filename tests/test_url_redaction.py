"""redact_url masks what a URL carries as a secret (userinfo, tokens, API keys,
SigV4 presigned parameters) and keeps the rest as written; the records a run
writes (a cell, its exchange, the JSON) go through it."""
from __future__ import annotations

import json

import pytest

from e2e.exchange import REDACTED, Exchange, redact_headers, redact_url, redact_urls_in
from e2e.results import CellResult, RunResult

R = REDACTED


@pytest.mark.parametrize("url, shown", [
    ("https://api.example.com/x?access_token=S1&page=2", f"https://api.example.com/x?access_token={R}&page=2"),
    ("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101"
     "&X-Amz-Security-Token=S2&X-Amz-Signature=S3&X-Amz-Expires=60",
     f"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={R}"
     f"&X-Amz-Security-Token={R}&X-Amz-Signature={R}&X-Amz-Expires=60"),
    ("https://a.example/?ID_TOKEN=1&apikey=2&api-key=3&key=4&code=5&sig=6&secret=7&password=8&client_secret=9",
     f"https://a.example/?ID_TOKEN={R}&apikey={R}&api-key={R}&key={R}&code={R}&sig={R}&secret={R}"
     f"&password={R}&client_secret={R}"),
    ("https://alice:pw@api.example.com:8443/x?q=1", f"https://{R}@api.example.com:8443/x?q=1"),
    ("https://app.example/cb#access_token=S4&state=ok", f"https://app.example/cb#access_token={R}&state=ok"),
    # Nothing secret: kept byte for byte, including the harness's own cell tag.
    ("https://api.example.com/a@b/x?monkey=1&cors-e2e-cell=abc&keyboard=&token", None),
    ("http://[x", None),
])
def test_redact_url_masks_secret_values_and_keeps_the_rest(url: str, shown: str | None) -> None:
    assert redact_url(url) == (url if shown is None else shown)


def test_urls_quoted_in_an_engines_words_are_redacted() -> None:
    text = ("Access to fetch at 'https://api.example.com/x?token=S1' from origin 'https://a.example' has been "
            "blocked; reading http://api.example.com/y?sig=S2. (Reason: CORS header missing)")
    assert redact_urls_in(text) == text.replace("S1", R).replace("S2", R)


def test_a_redirect_location_is_redacted_but_its_header_kept() -> None:
    headers = [("Location", "https://app.example/cb?code=S1&state=2"), ("Vary", "Origin")]
    assert redact_headers(headers) == [("Location", f"https://app.example/cb?code={R}&state=2"), ("Vary", "Origin")]


def test_a_cells_record_and_json_hold_no_secret_from_the_url() -> None:
    url = "https://api.example.com/x?access_token=S1&cors-e2e-cell=c1"
    exchange = Exchange(method="GET", path="/x", query="access_token=S1&cors-e2e-cell=c1", request_headers=[],
                        status=200, response_headers=[])
    cell = CellResult(id="a|chromium|allowed|omit", scenario="a", browser="chromium", origin="allowed",
                      page_origin="https://a.example", credentials="omit", method="GET", url=url,
                      expected="allowed", verdict="blocked", status=None, reason=None,
                      engine_detail=f"blocked {url}", preflight=False, match=False,
                      error="TypeError: Failed to fetch", console=[f"Access to fetch at '{url}' blocked"],
                      exchange=[exchange.to_json()])
    run = RunResult(target="https://api.example.com", scenarios_file="s.yaml", cells=[cell])
    text = json.dumps(run.to_json())
    assert "S1" not in text
    assert cell.url == f"https://api.example.com/x?access_token={R}&cors-e2e-cell=c1"
    assert run.to_json()["cells"][0]["exchange"][0]["query"] == f"access_token={R}&cors-e2e-cell=c1"
    assert exchange.query == "access_token=S1&cors-e2e-cell=c1"   # what the server saw stays as it was
