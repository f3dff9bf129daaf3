"""One place that talks to boto3: the session (standard credential and region
chain, AWS_REGION included; AWS_ENDPOINT_URL honoured by boto3 itself), clients with sane timeouts,
and ``call``, which retries throttling patiently and turns every other
botocore failure into a one-line typed error."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from e2e.aws.errors import WrongRegion, is_throttling, translate
from e2e.errors import EnvironmentProblem

# API Gateway's control plane has fixed, low per-account quotas (DeleteRestApi:
# one call per 30 s; CreateRestApi: one per 3 s; CreateDeployment: one per 5 s),
# so a throttled call is waited out rather than failed: up to ~3 minutes.
THROTTLE_WAITS = (1, 2, 4, 8, 16, 30, 30, 30, 30, 30)

_CONFIG = Config(connect_timeout=10, read_timeout=60, retries={"mode": "standard", "max_attempts": 3},
                 user_agent_extra="cors-e2e")


def chosen_region(explicit: str | None) -> str | None:
    """The region as the AWS CLI v2 and the SDKs choose it: --region, then
    AWS_REGION, then AWS_DEFAULT_REGION; None leaves it to the profile.
    botocore itself reads AWS_DEFAULT_REGION only, so AWS_REGION alone (what
    Lambda, CodeBuild and most CI set) would leave boto3 with no region."""
    for value in (explicit, os.environ.get("AWS_REGION"), os.environ.get("AWS_DEFAULT_REGION")):
        if value:
            return value
    return None


class Aws:
    """boto3 clients for one account and region."""

    def __init__(self, region: str | None = None, profile: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        try:
            self.session = boto3.Session(region_name=chosen_region(region), profile_name=profile)
        except BotoCoreError as exc:
            raise translate(exc, doing="starting an AWS session") from None
        self.region = self.session.region_name
        if not self.region:
            raise WrongRegion("no AWS region configured (set AWS_REGION or pass --region)")
        self._check_region()
        self.sleep = sleep
        self._clients: dict[str, Any] = {}
        self._account: str | None = None

    def _check_region(self) -> None:
        # With a custom endpoint (moto server, LocalStack) any region name goes.
        if os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_APIGATEWAY"):
            return
        known = set(self.session.get_available_regions("apigateway"))
        for partition in ("aws-cn", "aws-us-gov"):
            known |= set(self.session.get_available_regions("apigateway", partition_name=partition))
        if known and self.region not in known:
            raise WrongRegion(f"{self.region!r} is not an AWS region with API Gateway "
                              f"(e.g. us-east-1, eu-west-1); set AWS_REGION or pass --region")

    def client(self, service: str) -> Any:
        """The service's client; making one resolves the credentials and the
        endpoint, so their failures are typed errors too."""
        if service not in self._clients:
            doing = f"starting the {service} client"
            try:
                self._clients[service] = self.session.client(service, config=_CONFIG)
            except BotoCoreError as exc:   # CredentialRetrievalError, PartialCredentialsError, ...
                raise translate(exc, doing=doing, region=self.region) from None
            except ValueError:             # botocore: "Invalid endpoint: ..."
                raise EnvironmentProblem(f"{doing}: the AWS endpoint URL is not a valid URL; check "
                                         f"AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_{service.upper()} and the "
                                         f"profile's endpoint_url") from None
        return self._clients[service]

    def call(self, service: str, operation: str, *, doing: str, **params: Any) -> Any:
        """``client(service).operation(**params)``, waiting out throttling."""
        method = getattr(self.client(service), operation)
        for wait in (*THROTTLE_WAITS, None):
            try:
                return method(**params)
            except ClientError as exc:
                if wait is None or not is_throttling(exc):
                    raise translate(exc, doing=doing, region=self.region) from None
                self.sleep(wait)
            except BotoCoreError as exc:
                raise translate(exc, doing=doing, region=self.region) from None
        raise AssertionError("unreachable")

    def pages(self, service: str, operation: str, key: str, *, doing: str, **params: Any) -> list[Any]:
        """Every item of a paginated list operation (``position`` / ``NextToken`` /
        ``Marker`` styles), each page through ``call``."""
        items: list[Any] = []
        token_in, token_out = {"apigateway": ("position", "position"),
                               "apigatewayv2": ("NextToken", "NextToken"),
                               "lambda": ("Marker", "NextMarker"),
                               "iam": ("Marker", "Marker")}[service]
        while True:
            page = self.call(service, operation, doing=doing, **params)
            items.extend(page.get(key, []))
            token = page.get(token_out)
            if not token or (service == "iam" and not page.get("IsTruncated")):
                return items
            params[token_in] = token

    @property
    def account(self) -> str:
        if self._account is None:
            self._account = str(self.call("sts", "get_caller_identity", doing="finding the account")["Account"])
        return self._account

    @property
    def partition(self) -> str:
        return self.session.get_partition_for_region(self.region) if hasattr(
            self.session, "get_partition_for_region") else "aws"
