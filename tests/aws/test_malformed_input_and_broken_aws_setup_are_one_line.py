"""A malformed target or origin (an unclosed [, a port that is not one) is bad
input, exit 2, found before AWS is called; credentials that cannot be read and
an endpoint URL that is not one get their own exit codes. Never exit 70."""
from __future__ import annotations

from pathlib import Path

import pytest

from e2e.aws import errors
from e2e.errors import EXIT_BAD_INPUT, EXIT_ENVIRONMENT

from .conftest import fake_account_env, run_cli


def one_line(result) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    return lines[0]


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Region set, no credentials anywhere: any call to AWS would exit 5."""
    fake_account_env(monkeypatch)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_credentials")
@pytest.mark.parametrize("args, words", [
    (["inspect", "http://[x"], "target: 'http://[x' is not aws:rest/"),
    (["inspect", "https://abc123.execute-api.eu-west-1.amazonaws.com:99999/prod"], "has an invalid port"),
    (["inspect", "https://me:pw-SECRET@abc123.execute-api.eu-west-1.amazonaws.com/prod"],
     "target: 'https://<redacted>@abc123"),
    (["inspect", "aws:rest/abc123/prod", "--origin", "https://app.example.com:99999"],
     "--origin: 'https://app.example.com:99999' has an invalid port"),
    (["inspect", "aws:rest/abc123/prod", "--origin", "http://[x"], "--origin: 'http://[x' is not an origin"),
    (["scenarios-from", "aws:rest/abc123/prod", "--origin", "https://app.example.com:abc"],
     "--origin: 'https://app.example.com:abc' has an invalid port"),
    (["scenarios-from", "aws:rest/abc123/prod", "--origin", "stub:allowed", "--denied-origin", "http://[x"],
     "--denied-origin: 'http://[x' is not an origin"),
    (["deploy-fixtures", "--allowed-origin", "https://app.example.com:0"],
     "--allowed-origin: 'https://app.example.com:0' has an invalid port"),
])
def test_a_malformed_target_or_origin_is_bad_input_before_aws_is_called(args: list[str], words: str) -> None:
    result = run_cli(*args)
    assert result.code == EXIT_BAD_INPUT, result.err
    line = one_line(result)
    assert words in line and "pw-SECRET" not in line


def test_an_endpoint_url_that_is_not_a_url_is_an_environment_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_account_env(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    result = run_cli("inspect", "aws:rest/abc123/prod")
    assert result.code == EXIT_ENVIRONMENT
    assert "the AWS endpoint URL is not a valid URL; check AWS_ENDPOINT_URL" in one_line(result)


def test_credentials_that_cannot_be_read_are_a_credentials_error(no_credentials: None, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\ncredential_process = /bin/false\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    result = run_cli("inspect", "aws:rest/abc123/prod")
    assert result.code == errors.EXIT_NO_CREDENTIALS
    assert "could not obtain AWS credentials" in one_line(result)


def test_half_the_credentials_are_a_credentials_error(no_credentials: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAABCDEFGHIJKLMNOP")
    result = run_cli("inspect", "aws:rest/abc123/prod")
    assert result.code == errors.EXIT_NO_CREDENTIALS
    line = one_line(result)
    assert "no AWS credentials found" in line and "AKIA" not in line
