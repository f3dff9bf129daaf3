"""A bad scenario file is refused at load time with one line naming the file,
the entry and the field."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from e2e.errors import EXIT_BAD_INPUT, BadInput
from e2e.scenarios import load_scenarios


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text))
    return path


GOOD = """
target: local-rest
api: reference
scenarios:
  - name: get
    path: /items
    expect: {allowed: allowed, denied: blocked}
"""


@pytest.mark.parametrize("text, where, words", [
    ("target: ftp://x\nscenarios: [{name: a, path: /, expect: allowed}]", "target", "not an http(s) URL"),
    ("scenarios: []", "scenarios", "non-empty list"),
    ("api: r\nscenarios: [{path: /x, expect: allowed}]", "scenarios[0].name", "is required"),
    ("api: r\nscenarios: [{name: a, expect: allowed}]", "scenarios[0] (a).path", "must start with /"),
    ("api: r\nscenarios: [{name: a, path: /x, expect: alowed}]", "scenarios[0] (a).expect",
     "'alowed' is not one of"),
    ("api: r\nscenarios: [{name: a, path: /x, expect: {allowed: allowed}}]", "scenarios[0] (a).expect",
     "says nothing for origin denied"),
    ("api: r\nscenarios: [{name: a, path: /x, expect: {alowed: allowed, denied: blocked}}]",
     "scenarios[0] (a).expect.alowed", "unknown key"),
    ("api: r\nscenarios: [{name: a, path: /x, credentials: sometimes, expect: allowed}]",
     "scenarios[0] (a).credentials", "must be one of omit"),
    ("api: r\nscenarios: [{name: a, path: /x, method: 'GE T', expect: allowed}]",
     "scenarios[0] (a).method", "not an HTTP method"),
    ("api: r\nscenarios: [{name: a, path: /x, body: '{}', expect: allowed}]",
     "scenarios[0] (a).body", "GET request cannot have a body"),
    ("api: r\nscenarios: [{name: a, path: /x, headers: {'X Bad': 1}, expect: allowed}]",
     "scenarios[0] (a).headers.X Bad", "not a valid header name"),
    ("api: r\nscenarios: [{name: a, path: /x, expect: allowed}, {name: a, path: /y, expect: allowed}]",
     "scenarios[1] (a).name", "used twice"),
    ("scenarios: [{name: a, path: /x, expect: allowed}]", "scenarios[0] (a).api", "needs the fixture API"),
    ("api: r\norigins: {allowed: 'https://app.example.com/path'}\nscenarios: [{name: a, path: /x, expect: allowed}]",
     "origins.allowed[0]", "is not an origin"),
    ("api: r\nscenarios: [{name: a, path: /x, expect: allowed, colour: red}]", "scenarios[0] (a).colour",
     "unknown field"),
    ("target: scripted\nscenarios: [{name: a, path: /x, expect: allowed}]", "scenarios[0] (a).respond",
     "needs respond.actual"),
])
def test_a_mistake_names_the_file_the_entry_and_the_field(tmp_path: Path, text: str, where: str,
                                                         words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as info:
        load_scenarios(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}: "), message
    assert words in message
    assert "\n" not in message
    assert info.value.exit_code == EXIT_BAD_INPUT


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "scenarios:\n  - {name: a, path: /x\n")
    with pytest.raises(BadInput, match=r"s\.yaml: line \d+: not valid YAML"):
        load_scenarios(path)


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such scenario file"):
        load_scenarios(tmp_path / "nope.yaml")


def test_a_good_file_loads(tmp_path: Path) -> None:
    sfile = load_scenarios(write(tmp_path, GOOD))
    assert sfile.target == "local-rest"
    assert [o.label for o in sfile.origins] == ["allowed", "denied"]
    assert sfile.scenarios[0].api == "reference"
    assert sfile.scenarios[0].credentials == ["omit"]


def test_without_a_target_the_local_gateway_serves_either_kind_of_api(tmp_path: Path) -> None:
    sfile = load_scenarios(write(tmp_path, GOOD.replace("target: local-rest\n", "")))
    assert sfile.target == "local"


@pytest.mark.parametrize("extra, where, words", [
    ("session: items", "session", "must be a path starting with /"),
    ("expect_cookie: true", "expect_cookie", "needs session"),
    ("session: /s\n    expect_cookie: {firefox: yes-please}", "expect_cookie.firefox", "must be true, false"),
    ("session: /s\n    expect_cookie: {opera: true}", "expect_cookie.opera", "unknown key"),
])
def test_cookie_fields_are_checked(tmp_path: Path, extra: str, where: str, words: str) -> None:
    path = write(tmp_path, f"api: r\nscenarios:\n  - name: a\n    path: /x\n    expect: allowed\n    {extra}\n")
    with pytest.raises(BadInput) as info:
        load_scenarios(path)
    assert str(info.value).startswith(f"{path}: scenarios[0] (a).{where}: ")
    assert words in str(info.value)
