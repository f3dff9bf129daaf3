"""AWS failures as typed errors, each with its own exit code and one line.

``translate`` turns whatever botocore raised into one of these. Messages never
carry credentials: AWS's own text is shown only for errors whose text names
an API or an action, and anything shaped like an access key is masked anyway.
"""
from __future__ import annotations

import re

from botocore.exceptions import (ClientError, ConnectTimeoutError, CredentialRetrievalError, EndpointConnectionError,
                                 NoCredentialsError, NoRegionError, PartialCredentialsError,
                                 ProfileNotFound, ReadTimeoutError, TokenRetrievalError)

from e2e.errors import CorsE2EError, EnvironmentProblem

EXIT_NO_CREDENTIALS = 5   # no AWS credentials found, or AWS rejected them
EXIT_REGION = 6           # no region configured, or a region that does not exist
EXIT_UNKNOWN_API = 7      # no such API / stage in this account and region
EXIT_ACCESS_DENIED = 8    # the credentials lack a permission (names the action)
EXIT_THROTTLED = 9        # AWS kept throttling after our retries
EXIT_AWS_FAILED = 10      # any other refusal by AWS (its code and message are shown)


class AwsError(CorsE2EError):
    exit_code = EXIT_AWS_FAILED


class NoCredentials(AwsError):
    exit_code = EXIT_NO_CREDENTIALS


class WrongRegion(AwsError):
    exit_code = EXIT_REGION


class UnknownApi(AwsError):
    exit_code = EXIT_UNKNOWN_API


class AccessDenied(AwsError):
    exit_code = EXIT_ACCESS_DENIED


class Throttled(AwsError):
    exit_code = EXIT_THROTTLED


_CREDENTIALS_REJECTED = {"UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
                         "ExpiredTokenException", "InvalidSignatureException", "SignatureDoesNotMatch",
                         "AuthFailure", "IncompleteSignature", "MissingAuthenticationToken"}
_ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden",
                  "AuthorizationError"}
_THROTTLED = {"TooManyRequestsException", "Throttling", "ThrottlingException", "ThrottledException",
              "RequestLimitExceeded", "SlowDown", "LimitExceededException"}
_NOT_FOUND = {"NotFoundException", "ResourceNotFoundException", "NoSuchEntity"}
# Access key ids (AKIA..., ASIA...) and anything after "Credential=" or "Signature=".
_SECRETISH = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b|(?<=Credential=)[^,\s]+|(?<=Signature=)\w+")


def scrub(text: str) -> str:
    """``text`` with anything credential-shaped masked, on one line."""
    return _SECRETISH.sub("****", " ".join(str(text).split()))


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_throttling(exc: BaseException) -> bool:
    return error_code(exc) in _THROTTLED


def is_not_found(exc: BaseException) -> bool:
    return error_code(exc) in _NOT_FOUND


def translate(exc: BaseException, *, doing: str, region: str | None = None) -> CorsE2EError:
    """The one-line typed error for a botocore failure during ``doing``
    (e.g. "reading REST API abc123"); AWS's error code stays on it as ``aws_code``."""
    err = _translate(exc, doing, region)
    err.aws_code = error_code(exc)  # type: ignore[attr-defined]
    return err


def aws_code(err: BaseException) -> str:
    return str(getattr(err, "aws_code", ""))


def _translate(exc: BaseException, doing: str, region: str | None) -> CorsE2EError:
    where = f" in {region}" if region else ""
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, TokenRetrievalError)):
        return NoCredentials(f"{doing}: no AWS credentials found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                             f"and AWS_SECRET_ACCESS_KEY, or run aws sso login)")
    if isinstance(exc, ProfileNotFound):
        return NoCredentials(f"{doing}: {scrub(str(exc))}")
    if isinstance(exc, CredentialRetrievalError):
        return NoCredentials(f"{doing}: could not obtain AWS credentials ({scrub(str(exc))})")
    if isinstance(exc, NoRegionError):
        return WrongRegion(f"{doing}: no AWS region configured (set AWS_REGION or pass --region)")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        return EnvironmentProblem(f"{doing}: cannot reach AWS{where} ({scrub(str(exc))}); "
                                  f"check the network, the region and AWS_ENDPOINT_URL")
    if isinstance(exc, ClientError):
        code = error_code(exc)
        op = getattr(exc, "operation_name", "") or "the call"
        if code in _CREDENTIALS_REJECTED:
            return NoCredentials(f"{doing}: AWS rejected the credentials ({code}); they are wrong or "
                                 f"expired: refresh them (aws sso login, or new keys)")
        if code in _ACCESS_DENIED:
            return AccessDenied(f"{doing}: access denied to {op}{where}: grant the caller that "
                                f"permission (see docs/aws.md for the policy)")
        if code in _THROTTLED:
            return Throttled(f"{doing}: AWS throttled {op}{where} and kept refusing after retries; "
                             f"wait a minute and run again")
        if code in _NOT_FOUND:
            return UnknownApi(f"{doing}: not found{where} ({scrub(exc.response['Error'].get('Message', code))}); "
                              f"check the id and the region")
        message = scrub(exc.response.get("Error", {}).get("Message", "") or code)
        return AwsError(f"{doing}: {op} failed{where}: {code}: {message}")
    return AwsError(f"{doing}: {type(exc).__name__}: {scrub(str(exc))}")
