"""The shared origin and URL checks (check_origin, validate_url) refuse an
unsplittable host, a port that is not one and credentials in the URL, as one
line without the secret, exit 2."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from e2e.cli import main
from e2e.errors import EXIT_BAD_INPUT, BadInput
from e2e.exchange import REDACTED
from e2e.scenarios import check_origin, load_scenarios

R = REDACTED


@pytest.mark.parametrize("value, words", [
    ("http://[x", "'http://[x' is not an origin"),
    ("https://a.example:99999", "'https://a.example:99999' has an invalid port"),
    ("https://a.example:abc", "has an invalid port"),
    ("https://me:SECRET@a.example", f"'https://{R}@a.example' is not an origin"),
    ("stub:allowed", "is not an origin"),
])
def test_check_origin_says_what_is_wrong_in_one_line(value: str, words: str) -> None:
    with pytest.raises(BadInput) as info:
        check_origin(value, "--origin", stubs=False)
    message = str(info.value)
    assert message.startswith("--origin: ") and words in message and "\n" not in message
    assert "SECRET" not in message


def test_check_origin_returns_the_origin_and_takes_the_stubs_when_asked() -> None:
    assert check_origin("https://a.example:8443/", "--origin") == "https://a.example:8443"
    assert check_origin("stub:denied", "--origin") == "stub:denied"


@pytest.mark.parametrize("origins, target, words", [
    ("{allowed: 'http://[x'}", "scripted", "origins.allowed[0]: 'http://[x' is not an origin"),
    ("{allowed: 'https://a.example:99999'}", "scripted", "origins.allowed[0]: 'https://a.example:99999' has an "
                                                         "invalid port"),
    ("{allowed: stub:allowed}", "'http://[x'", "target: 'http://[x' is not an http(s) URL"),
    ("{allowed: stub:allowed}", "'https://me:SECRET@api.example.com'", "has credentials"),
])
def test_a_scenario_file_with_a_malformed_origin_or_target(tmp_path: Path, origins: str, target: str,
                                                           words: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(f"""\
        target: {target}
        origins: {origins}
        scenarios: [{{name: a, path: /, expect: allowed}}]
        """))
    with pytest.raises(BadInput) as info:
        load_scenarios(path)
    assert words in str(info.value) and "SECRET" not in str(info.value)


def test_run_with_an_unsplittable_target_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", "http://[x"]) == EXIT_BAD_INPUT
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == ("cors-e2e: --target: 'http://[x' is not an http(s) URL (nor local, local-rest, "
                    "local-http, scripted)")
