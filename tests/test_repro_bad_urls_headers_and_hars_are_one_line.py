"""Malformed URLs, origins, headers and HAR entries given to repro: exit 2 and
one line naming what is wrong, never an internal error (exit 70), and never
the header value or the URL's secrets echoed back."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from e2e.cli import main
from e2e.errors import EXIT_BAD_INPUT

API = "https://api.example.com/items"
ORIGIN = ["--origin", "https://shop.example.com"]


def one_line_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["repro", *args])
    printed = capsys.readouterr()
    assert code == EXIT_BAD_INPUT, printed.err
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1 and "internal error" not in printed.err, printed.err
    assert "SECRET" not in printed.out + printed.err
    return lines[0]


@pytest.mark.parametrize("origin, words", [
    ("https://shop.example.com:99999", "--origin: 'https://shop.example.com:99999' has an invalid port"),
    ("https://shop.example.com:abc", "--origin: 'https://shop.example.com:abc' has an invalid port"),
    ("https://shop.example.com:0", "has an invalid port"),
    ("http://[x", "--origin: 'http://[x' is not an origin"),
    ("https://me:pw-SECRET@shop.example.com", "is not an origin"),
    ("https://shop.example.com\ud800", "lone surrogate"),
])
def test_a_bad_origin(capsys: pytest.CaptureFixture[str], origin: str, words: str) -> None:
    assert words in one_line_error(capsys, "--url", API, "--origin", origin)


@pytest.mark.parametrize("url, words", [
    ("http://[x", "--url: 'http://[x' is not an absolute http(s) URL"),
    ("https://api.example.com:99999/items", "has an invalid port"),
    ("https://api.example.com/items\ud800", "lone surrogate"),
    ("ftp://api.example.com/items?access_token=tok-SECRET", "'ftp://api.example.com/items?access_token=<redacted>'"),
])
def test_a_bad_url(capsys: pytest.CaptureFixture[str], url: str, words: str) -> None:
    assert words in one_line_error(capsys, "--url", url, *ORIGIN)


@pytest.mark.parametrize("command, words", [
    ("curl 'http://[x' -H 'Origin: https://shop.example.com'", "is not an absolute http(s) URL"),
    ("curl $'https://api.example.com/items\\ud800' -H 'Origin: https://shop.example.com'", "lone surrogate"),
    ("curl 'https://api.example.com:abc/items'", "has an invalid port"),
    (f"curl '{API}' -H 'tok-SECRET'", "a -H header is not 'Name: value'"),
    (f"curl '{API}' -H 'Bearer tok-SECRET;'", "header 1 has an invalid name"),
    (f"curl '{API}' -H 'Referer: https://shop.example.com:99999/'", "give --origin"),
    (f"curl '{API}' -H 'Origin: http://[x'", "give --origin"),
    ("curl 'https://api.example.com/a?token=SECRET' 'https://api.example.com/b'", "more than one URL"),
])
def test_a_bad_curl_command(capsys: pytest.CaptureFixture[str], command: str, words: str) -> None:
    assert words in one_line_error(capsys, "--curl", command)


def test_a_header_flag_without_a_colon_is_named_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, "--url", API, *ORIGIN, "-H", "X-Ok: 1", "-H", "tok-SECRET")
    assert line == "cors-e2e: -H #2: write headers as 'Name: value'"


def har(tmp_path: Path, *entries: dict[str, Any]) -> str:
    path = tmp_path / "bad.har"
    path.write_text(json.dumps({"log": {"entries": list(entries)}}))
    return str(path)


def get(url: str, headers: list[dict[str, Any]] | None = None, method: str = "GET") -> dict[str, Any]:
    return {"request": {"method": method, "url": url, "headers": headers or []},
            "response": {"status": 200, "headers": []}}


@pytest.mark.parametrize("entries, extra, words", [
    # An OPTIONS entry is read as a possible preflight before anything else looks at it.
    ([get(API, [{"name": 5, "value": "x"}], method="OPTIONS")], [],
     "log.entries[0].request.headers[0]: must be {name, value} strings"),
    ([{"_resourceType": "document", "pageref": "page_1", "request": "GET /"}], [],
     "log.entries[0].request: missing or not an object"),
    ([get("http://[x")], ["--entry", "0"], "log.entries[0].request.url: 'http://[x' is not an absolute http(s) URL"),
    ([get("https://api.example.com:99999/items")], ["--entry", "0"], "has an invalid port"),
    ([get("https://me:pw-SECRET@api.example.com/items", [{"name": "Origin", "value": "https://a.example"}])], [],
     "log.entries[0].request.url: 'https://<redacted>@api.example.com/items' has credentials"),
    ([get(API, [{"name": "Origin", "value": "http://[x"}])], [], "give --origin"),
])
def test_a_bad_har_entry(capsys: pytest.CaptureFixture[str], tmp_path: Path, entries: list[dict[str, Any]],
                         extra: list[str], words: str) -> None:
    assert words in one_line_error(capsys, "--har", har(tmp_path, *entries), *extra)
