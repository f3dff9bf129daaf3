"""No credentials, wrong region, unknown API, access denied, throttled by AWS:
one clear line each and a distinct exit code, never a traceback, never a
secret (issue 6)."""
from __future__ import annotations

from unittest import mock

import pytest
from botocore.stub import Stubber

from e2e.aws import errors
from e2e.aws.session import THROTTLE_WAITS, Aws

from .conftest import fake_account_env, run_cli


def one_line(result) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


def test_the_exit_codes_are_distinct_and_clear_of_the_harness_codes() -> None:
    codes = [errors.EXIT_NO_CREDENTIALS, errors.EXIT_REGION, errors.EXIT_UNKNOWN_API, errors.EXIT_ACCESS_DENIED,
             errors.EXIT_THROTTLED, errors.EXIT_AWS_FAILED]
    assert len(set(codes)) == len(codes)
    assert not set(codes) & {0, 1, 2, 3, 4, 70, 130}


def test_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_account_env(monkeypatch)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    result = run_cli("inspect", "aws:rest/abc123/prod")
    assert result.code == errors.EXIT_NO_CREDENTIALS
    assert "no AWS credentials found" in one_line(result)


def test_no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_account_env(monkeypatch)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = run_cli("teardown-fixtures")
    assert result.code == errors.EXIT_REGION
    assert "no AWS region configured (set AWS_REGION or pass --region)" in one_line(result)


def test_a_region_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_account_env(monkeypatch)
    result = run_cli("inspect", "aws:http/abc123", "--region", "eu-nowhere-9")
    assert result.code == errors.EXIT_REGION
    assert "'eu-nowhere-9' is not an AWS region" in one_line(result)


def test_a_region_contradicting_the_url_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_account_env(monkeypatch)
    result = run_cli("inspect", "https://abc123.execute-api.us-east-1.amazonaws.com/prod", "--region", "eu-west-1")
    assert result.code == 2 and "contradicts" in one_line(result)


@pytest.mark.parametrize("target, words", [
    ("aws:rest/abc123/prod", "no REST API abc123 in eu-west-1"),
    ("aws:http/abc123", "no HTTP API abc123 in eu-west-1"),
    ("https://abc123.execute-api.eu-west-1.amazonaws.com/prod", "no REST or HTTP API abc123 in eu-west-1"),
])
def test_an_unknown_api(account: Aws, target: str, words: str) -> None:
    result = run_cli("inspect", target)
    assert result.code == errors.EXIT_UNKNOWN_API
    assert words in one_line(result) and "wrong id or region?" in result.err


def stubbed(aws: Aws, service: str, operation: str, code: str) -> Stubber:
    """The next ``operation`` call fails with AWS error ``code`` (its message holds a key id)."""
    stub = Stubber(aws.client(service))
    for _ in range(1):
        stub.add_client_error(operation, service_error_code=code, service_message=f"{code} for AKIAABCDEFGHIJKLMNOP",
                              http_status_code=400)
    stub.activate()
    return stub


def test_access_denied_names_the_call(account: Aws) -> None:
    stubbed(account, "apigateway", "get_rest_api", "AccessDeniedException")
    with pytest.raises(errors.AccessDenied) as exc:
        account.call("apigateway", "get_rest_api", restApiId="abc123", doing="reading REST API abc123")
    assert exc.value.exit_code == errors.EXIT_ACCESS_DENIED
    assert str(exc.value) == ("reading REST API abc123: access denied to GetRestApi in eu-west-1: grant the "
                              "caller that permission (see docs/aws.md for the policy)")


def test_throttling_is_waited_out(account: Aws) -> None:
    # API Gateway's control plane allows e.g. one DeleteRestApi per 30 s: waiting is the only way.
    with mock.patch.object(account.client("apigateway"), "get_rest_apis",
                           side_effect=[_throttle(), _throttle(), {"items": []}]):
        assert account.call("apigateway", "get_rest_apis", doing="listing") == {"items": []}
    assert account.sleep.waits == list(THROTTLE_WAITS[:2])


def _throttle() -> Exception:
    from botocore.exceptions import ClientError
    return ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "slow down"}}, "GetRestApis")


def test_throttling_that_never_stops_is_its_own_error(account: Aws) -> None:
    with mock.patch.object(account.client("apigateway"), "get_rest_apis", side_effect=_throttle()):
        with pytest.raises(errors.Throttled) as exc:
            account.call("apigateway", "get_rest_apis", doing="listing REST APIs")
    assert exc.value.exit_code == errors.EXIT_THROTTLED
    assert "AWS throttled GetRestApis in eu-west-1 and kept refusing after retries" in str(exc.value)
    assert len(account.sleep.waits) == len(THROTTLE_WAITS)


def test_rejected_credentials_are_named_without_echoing_them(account: Aws) -> None:
    stubbed(account, "apigateway", "get_rest_api", "UnrecognizedClientException")
    with pytest.raises(errors.NoCredentials) as exc:
        account.call("apigateway", "get_rest_api", restApiId="abc123", doing="reading REST API abc123")
    assert "AWS rejected the credentials (UnrecognizedClientException)" in str(exc.value)
    assert "AKIA" not in str(exc.value)


def test_any_other_refusal_shows_aws_code_and_message_with_keys_masked(account: Aws) -> None:
    stubbed(account, "apigateway", "get_rest_api", "BadRequestException")
    with pytest.raises(errors.AwsError) as exc:
        account.call("apigateway", "get_rest_api", restApiId="abc123", doing="reading REST API abc123")
    assert exc.value.exit_code == errors.EXIT_AWS_FAILED
    assert "BadRequestException: BadRequestException for ****" in str(exc.value)


@pytest.mark.parametrize("target", ["aws:rest/abc123", "aws:soap/abc123/prod", "aws:rest/ABC!/prod",
                                    "ftp://example.com", "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items"])
def test_a_malformed_target_is_bad_input(target: str) -> None:
    result = run_cli("inspect", target)
    assert result.code == 2
    assert "target:" in one_line(result)
