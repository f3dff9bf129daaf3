"""cors-e2e audit end to end from the command line: exit 1 on a high finding,
0 without; the JSON and HTML reports; the scripted target; and no secret the
request carries (Authorization, an API key, a cookie, a secret query
parameter) nor the session cookie's value in anything the audit writes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from e2e.cli import main

ORIGIN = ["--origin", "https://app.example.com"]
SECRETS = ["SECRET-AUTH-1b2c", "SECRET-KEY-3d4e", "SECRET-COOKIE-5f6a", "SECRET-QUERY-7b8c"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["audit", *args, "-q"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_high_finding_exits_1_and_no_secret_reaches_any_output(tmp_path: Path, capsys) -> None:
    json_path, html_path = tmp_path / "audit.json", tmp_path / "audit.html"
    code, out, err = run(capsys, "local", "--api", "origin-reflect", *ORIGIN, "--session", "/session",
                         "-H", f"Authorization: Bearer {SECRETS[0]}", "-H", f"X-Api-Key: {SECRETS[1]}",
                         "-H", f"Cookie: session={SECRETS[2]}", "--path", f"/items?api_key={SECRETS[3]}",
                         "--json", str(json_path), "--html", str(html_path))
    assert code == 1, out + err
    doc = json.loads(json_path.read_text())
    html = html_path.read_text()
    assert doc["summary"]["high"] == doc["summary"]["findings"] == 11
    assert doc["requests"][0]["header_names"] == ["Authorization", "X-Api-Key"]
    for text in (out, err, json_path.read_text(), html):
        for secret in SECRETS:
            assert secret not in text
        # The cell's tag is the session cookie's value: neither is ever shown.
        assert "cors-e2e-cell" not in text
        assert not re.search(r"session=[A-Za-z0-9]{8,}", text)
    assert "HIGH https://attacker.example (any-origin)" in out
    assert "audit: 11 finding(s): 11 high, 0 medium, 0 low" in out


def test_the_html_report_is_origins_by_engines(tmp_path: Path, capsys) -> None:
    html_path = tmp_path / "audit.html"
    code, out, err = run(capsys, "local", "--api", "origin-null-allowed", *ORIGIN, "--browser", "chromium",
                         "--browser", "firefox", "--html", str(html_path))
    assert code == 1, out + err
    html = html_path.read_text()
    rows = re.findall(r"<tr data-origin='([^']*)' class='\w+'>(.*?)</tr>", html)
    assert [o for o, _ in rows][0] == "https://app.example.com" and len(rows) == 12
    for origin, row in rows:
        states = dict(re.findall(r"data-engine='(\w+)' data-state='([\w-]+)'", row))
        assert set(states) == {"chromium", "firefox"}
        want = "readable-with-credentials" if origin in ("https://app.example.com", "null") else "not-readable"
        assert states["chromium"] == want, (origin, states)
        refused = origin in {"https://app.example.com`.attacker.example", "https://app.example.com}.attacker.example"}
        assert states["firefox"] == ("not-tried" if refused else want), (origin, states)
    assert "data-high='1'" in html and "data-severity='high' data-origin='null'" in html


def test_no_finding_exits_0(capsys) -> None:
    code, out, err = run(capsys, "local", "--api", "origin-reflect-fixed", *ORIGIN, "--browser", "chromium")
    assert code == 0, out + err
    assert "audit: no hostile origin could read a response" in out


def test_scripted_echo_is_high_and_a_wildcard_is_low_exit_0(tmp_path: Path, capsys) -> None:
    echo = tmp_path / "echo.yaml"
    echo.write_text("preflight: {status: 204, headers: {Access-Control-Allow-Origin: '{origin}', "
                    "Access-Control-Allow-Credentials: 'true'}}\n"
                    "actual: {status: 200, headers: {Access-Control-Allow-Origin: '{origin}', "
                    "Access-Control-Allow-Credentials: 'true'}, body: account}\n")
    code, out, err = run(capsys, "scripted", "--respond", str(echo), *ORIGIN, "--browser", "chromium")
    assert code == 1, out + err
    assert "11 finding(s): 11 high" in out
    star = tmp_path / "star.yaml"
    star.write_text("actual: {status: 200, headers: {Access-Control-Allow-Origin: '*'}, body: public}\n")
    json_path = tmp_path / "star.json"
    code, out, err = run(capsys, "scripted", "--respond", str(star), *ORIGIN, "--browser", "chromium",
                         "--json", str(json_path))
    assert code == 0, out + err
    doc = json.loads(json_path.read_text())
    assert {f["severity"] for f in doc["findings"]} == {"low"} and len(doc["findings"]) == 11
    for f in doc["findings"]:
        assert f["credentials"] is False and f["allow_origin"] == "*"
        assert f["readable_in"] == {"chromium": "readable-without-credentials"}


def test_scripted_echo_without_credentials_is_medium_exit_0(tmp_path: Path, capsys) -> None:
    echo = tmp_path / "echo.yaml"
    echo.write_text("actual: {status: 200, headers: {Access-Control-Allow-Origin: '{origin}'}, body: data}\n")
    json_path = tmp_path / "echo.json"
    code, out, err = run(capsys, "scripted", "--respond", str(echo), *ORIGIN, "--browser", "chromium",
                         "--json", str(json_path))
    assert code == 0, out + err
    doc = json.loads(json_path.read_text())
    assert {f["severity"] for f in doc["findings"]} == {"medium"} and len(doc["findings"]) == 11
    for f in doc["findings"]:
        assert f["credentials"] is False and f["allow_origin"] == f["origin"]
        assert f["readable_in"] == {"chromium": "readable-without-credentials"}
    (control,) = doc["controls"]
    assert control["engines"]["chromium"]["state"] == "readable-without-credentials"
    assert not any("legitimate origin" in w for w in doc["warnings"])
