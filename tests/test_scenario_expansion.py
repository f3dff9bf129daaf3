"""Scenarios expand into cells, and each cell's expectation resolves from the
most specific key: engine, then origin, then credentials."""
from __future__ import annotations

from pathlib import Path

import pytest

from e2e.scenarios import expand, expected_for, load_scenarios


@pytest.mark.parametrize("expect, engine, origin, creds, want", [
    ("allowed", "chromium", "allowed", "omit", "allowed"),
    ({"allowed": "allowed", "denied": "blocked"}, "firefox", "denied", "omit", "blocked"),
    ({"omit": "allowed", "include": "blocked"}, "chromium", "allowed", "include", "blocked"),
    ({"allowed": {"omit": "allowed", "include": "blocked"}, "denied": "blocked"},
     "webkit", "allowed", "include", "blocked"),
    ({"allowed": "allowed", "denied": "blocked", "webkit": {"allowed": "blocked"}},
     "webkit", "allowed", "omit", "blocked"),
    ({"allowed": "allowed", "denied": "blocked", "webkit": {"allowed": "blocked"}},
     "webkit", "denied", "omit", "blocked"),
    ({"allowed": "allowed", "denied": "blocked", "webkit": {"allowed": "blocked"}},
     "chromium", "allowed", "omit", "allowed"),
    ({"default": "network-error", "include": "blocked"}, "chromium", "denied", "omit", "network-error"),
])
def test_the_most_specific_expectation_wins(expect: object, engine: str, origin: str, creds: str,
                                            want: str) -> None:
    assert expected_for(expect, engine=engine, origin=origin, credentials=creds) == want


def test_cells_are_named_scenario_browser_origin_credentials(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n"
                    "  - {name: post-json, path: /items, method: POST, credentials: [omit, include],\n"
                    "     expect: {allowed: allowed, denied: blocked}}\n")
    cells = expand(load_scenarios(path), ["chromium", "webkit"])
    assert [c.id for c in cells][:4] == [
        "post-json|chromium|allowed|omit", "post-json|chromium|allowed|include",
        "post-json|chromium|denied|omit", "post-json|chromium|denied|include"]
    assert len(cells) == 8
    assert {c.expected for c in cells if c.origin.label == "denied"} == {"blocked"}


def test_keyword_selects_cells_by_substring(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n  - {name: get, path: /items, expect: allowed}\n")
    cells = expand(load_scenarios(path), ["chromium", "firefox"], keyword="firefox|denied")
    assert [c.id for c in cells] == ["get|firefox|denied|omit"]


def test_the_default_file_covers_every_fixture_api_with_every_request_shape() -> None:
    from e2e.scenarios import DEFAULT_SCENARIOS

    sfile = load_scenarios(DEFAULT_SCENARIOS)
    reference = {s.name.split("/", 1)[1] for s in sfile.scenarios if s.api == "reference"}
    assert {"get", "post-json", "put", "delete", "custom-header"} <= reference
    for s in sfile.scenarios:
        if s.session:
            continue  # the cookie scenarios: credentialed, from the allowed origin only
        if s.api == "local-network-access":
            continue  # a public API (*, no credentials) from the public page, and from a loopback one
        assert set(s.credentials) == {"omit", "include"}, s.name
        assert set(s.origin_groups) == {"allowed", "denied"}, s.name
    from e2e.gateway import list_apis

    # The audit's origin checks that only a hostile origin shows (a prefix, a
    # suffix, null, the http downgrade): tests/test_audit_local_apis.py runs them.
    audit_only = {"origin-prefix-match", "origin-suffix-match", "origin-null-allowed", "origin-http-allowed"}
    assert {s.api for s in sfile.scenarios} == set(list_apis()) - audit_only


def test_cookie_expectations_resolve_per_engine(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n"
                    "  - {name: c, path: /items, session: /session, credentials: include,\n"
                    "     expect: allowed, expect_cookie: {firefox: true, default: false}}\n")
    cells = expand(load_scenarios(path), ["chromium", "firefox", "webkit"])
    assert {(c.browser, c.expected_cookie) for c in cells} == {
        ("chromium", False), ("firefox", True), ("webkit", False)}


def test_a_scenario_may_name_a_group_or_one_origins_label(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\n"
                    "origins: {allowed: [stub:allowed, 'https://app.example.com'], denied: stub:denied}\n"
                    "scenarios:\n"
                    "  - {name: group, path: /items, origins: [allowed], expect: allowed}\n"
                    "  - {name: label, path: /items, origins: [allowed-2, denied], "
                    "expect: {allowed-2: allowed, denied: blocked}}\n")
    cells = expand(load_scenarios(path), ["chromium"])
    assert [c.id for c in cells] == ["group|chromium|allowed|omit", "group|chromium|allowed-2|omit",
                                     "label|chromium|allowed-2|omit", "label|chromium|denied|omit"]


def test_an_origin_label_the_file_does_not_have_is_named(tmp_path: Path) -> None:
    from e2e.errors import BadInput

    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n  - {name: a, path: /items, origins: [allowed-2], expect: allowed}\n")
    with pytest.raises(BadInput, match=r"scenarios\[0\] \(a\)\.origins: must list origin labels of this file "
                                       r"\(allowed, denied\)"):
        load_scenarios(path)
