"""``deploy-fixtures``: the fixture APIs of fixtures/apis, created in an account
with boto3 exactly as their definitions (and CDK) describe them.

Everything created carries the tags ``cors-e2e:stack`` (the ``--stack`` name)
and ``cors-e2e:fixture``; teardown deletes by those tags and nothing else.
Idempotent: an API whose stage carries the same definition hash is left alone;
a changed (or half-created) one is replaced; Lambda code and configuration are
updated in place only when they differ; the role is created once.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

from e2e.aws.errors import AwsError, UnknownApi, aws_code
from e2e.aws.package import code_sha256, package
from e2e.aws.session import Aws
from e2e.errors import BadInput

STACK_TAG = "cors-e2e:stack"
FIXTURE_TAG = "cors-e2e:fixture"
HASH_TAG = "cors-e2e:definition"
DEFAULT_STACK = "cors-e2e"
DEFAULT_ALLOWED_ORIGIN = "http://localhost:41234"
# What AWSLambdaBasicExecutionRole grants (writing logs), inline, so the role
# depends on no managed policy.
_LOGS = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]}]}
_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"Service": "lambda.amazonaws.com"}}]}
# A new role takes a few seconds to become assumable by Lambda.
_ROLE_WAITS = (2, 3, 5, 8, 10, 10, 10, 10)
MIN_API_KEY = 20   # API Gateway refuses shorter API key values


@dataclass
class Deployed:
    fixture: str
    kind: str          # rest | http
    api_id: str
    stage: str
    url: str
    action: str        # created | unchanged | replaced

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def role_name(stack: str) -> str:
    return f"{stack}-lambda"[:64]


def function_name(stack: str, fixture: str, fn: str) -> str:
    name = f"{stack}-{fixture}-{fn}"
    if len(name) > 64:   # Lambda's limit: keep it unique with a short hash
        name = name[:55] + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return name


def api_key_value(value: str, stack: str, fixture: str) -> str:
    """The key deployed for a fixture's key ``value``: API Gateway wants values
    unique in the account and region, and at least 20 characters long."""
    return f"{value}-{stack}-{fixture}".ljust(MIN_API_KEY, "0")[:128]


def definition_hash(model: Any) -> str:
    data = asdict(model)
    data.pop("source", None)
    for fn in data.get("functions", {}).values():
        fn["code"] = Path(fn["code"]).name
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


class FixtureDeployer:
    def __init__(self, aws: Aws, stack: str = DEFAULT_STACK, allowed_origin: str = DEFAULT_ALLOWED_ORIGIN,
                 say: Callable[[str], None] = lambda line: None) -> None:
        self.aws, self.stack, self.allowed_origin, self.say = aws, stack, allowed_origin, say
        self._role_arn: str | None = None
        self._role_new = False

    # -- fixtures ---------------------------------------------------------------
    def load(self, name: str) -> Any:
        from e2e.gateway import ApiDefinitionError, load_api
        try:
            return load_api(name, variables={"allowed_origin": self.allowed_origin})
        except ApiDefinitionError as exc:
            raise BadInput(f"fixture {name}: {exc}") from None

    def deploy(self, names: list[str]) -> list[Deployed]:
        # Every definition valid before anything is created; names come from the definitions.
        models = [(m.name, m) for m in (self.load(n) for n in names)]
        existing = self._existing_apis()
        out = []
        for name, model in models:
            out.append(self._deploy_one(name, model, existing.get(name, [])))
            self.say(f"{out[-1].action:9} {name:32} {out[-1].url}")
        return out

    def _tags(self, fixture: str) -> dict[str, str]:
        return {STACK_TAG: self.stack, FIXTURE_TAG: fixture}

    def _existing_apis(self) -> dict[str, list[dict[str, Any]]]:
        """This stack's APIs by fixture: [{kind, id, tags}]."""
        found: dict[str, list[dict[str, Any]]] = {}
        for api in self.aws.pages("apigateway", "get_rest_apis", "items", limit=500, doing="listing REST APIs"):
            tags = api.get("tags") or {}
            if tags.get(STACK_TAG) == self.stack and FIXTURE_TAG in tags:
                found.setdefault(tags[FIXTURE_TAG], []).append({"kind": "rest", "id": api["id"]})
        for api in self.aws.pages("apigatewayv2", "get_apis", "Items", doing="listing HTTP APIs"):
            tags = api.get("Tags") or {}
            if tags.get(STACK_TAG) == self.stack and FIXTURE_TAG in tags:
                found.setdefault(tags[FIXTURE_TAG], []).append({"kind": "http", "id": api["ApiId"],
                                                                "endpoint": api.get("ApiEndpoint")})
        return found

    def _deploy_one(self, name: str, model: Any, existing: list[dict[str, Any]]) -> Deployed:
        digest = definition_hash(model)
        keep = None
        for api in existing:
            if keep is None and api["kind"] == model.type and self._stage_hash(api, model.stage) == digest:
                keep = api
        if keep is None and existing:   # changed or half-created: replace it, with its keys and plans
            from e2e.aws.teardown import teardown
            teardown(self.aws, self.stack, fixtures=[name])
        for api in existing:
            if keep is not None and api is not keep:   # a duplicate
                delete_api(self.aws, api["kind"], api["id"])
        arns = {fn: self._function(name, fn, spec) for fn, spec in model.functions.items()}
        if keep is not None:
            return Deployed(name, model.type, keep["id"], model.stage, self._url(model, keep["id"], keep.get("endpoint")),
                            "unchanged")
        action = "replaced" if existing else "created"
        if model.type == "rest":
            api_id = self._create_rest(name, model, arns, digest)
            return Deployed(name, "rest", api_id, model.stage, self._url(model, api_id), action)
        api_id, endpoint = self._create_http(name, model, arns, digest)
        return Deployed(name, "http", api_id, model.stage, self._url(model, api_id, endpoint), action)

    def _stage_hash(self, api: dict[str, Any], stage: str) -> str | None:
        try:
            if api["kind"] == "rest":
                got = self.aws.call("apigateway", "get_stage", restApiId=api["id"], stageName=stage,
                                    doing=f"reading stage {stage}")
                return (got.get("tags") or {}).get(HASH_TAG)
            got = self.aws.call("apigatewayv2", "get_stage", ApiId=api["id"], StageName=stage,
                                doing=f"reading stage {stage}")
            return (got.get("Tags") or {}).get(HASH_TAG)
        except UnknownApi:
            return None

    def _url(self, model: Any, api_id: str, endpoint: str | None = None) -> str:
        base = endpoint or f"https://{api_id}.execute-api.{self.aws.region}.amazonaws.com"
        return base if model.stage == "$default" else f"{base}/{model.stage}"

    # -- IAM role and Lambda functions --------------------------------------------
    def role_arn(self) -> str:
        if self._role_arn is None:
            name = role_name(self.stack)
            doing = f"creating IAM role {name}"
            try:
                self._role_arn = self.aws.call("iam", "get_role", RoleName=name, doing=doing)["Role"]["Arn"]
            except UnknownApi:
                role = self.aws.call("iam", "create_role", RoleName=name, doing=doing,
                                     AssumeRolePolicyDocument=json.dumps(_TRUST),
                                     Description="cors-e2e fixture Lambdas (basic execution only)",
                                     Tags=[{"Key": STACK_TAG, "Value": self.stack}])
                self._role_arn = role["Role"]["Arn"]
                self._role_new = True
            self.aws.call("iam", "put_role_policy", RoleName=name, doing=doing, PolicyName="logs",
                          PolicyDocument=json.dumps(_LOGS))
        return self._role_arn

    def _function(self, fixture: str, fn: str, spec: Any) -> str:
        name = function_name(self.stack, fixture, fn)
        zipped = package(spec.code)
        config = {"Runtime": spec.runtime, "Handler": spec.handler, "Role": self.role_arn(),
                  "Timeout": max(1, math.ceil(spec.timeout)), "MemorySize": spec.memory_size,
                  "Environment": {"Variables": dict(spec.environment)}}
        doing = f"deploying Lambda {name}"
        try:
            current = self.aws.call("lambda", "get_function_configuration", FunctionName=name, doing=doing)
        except UnknownApi:
            current = None
        if current is None:
            for wait in (*_ROLE_WAITS, None):
                try:
                    made = self.aws.call("lambda", "create_function", FunctionName=name, doing=doing,
                                         Code={"ZipFile": zipped}, Tags=self._tags(fixture),
                                         Description=f"cors-e2e fixture {fixture}", **config)
                    break
                except AwsError as exc:
                    if wait is None or "cannot be assumed" not in str(exc):
                        raise
                    self.aws.sleep(wait)
            arn = str(made["FunctionArn"])
            self._wait_ready(name)
            return arn
        if current.get("CodeSha256") != code_sha256(zipped):
            self.aws.call("lambda", "update_function_code", FunctionName=name, ZipFile=zipped, doing=doing)
            self._wait_ready(name)
        now = {"Runtime": current.get("Runtime"), "Handler": current.get("Handler"), "Role": current.get("Role"),
               "Timeout": current.get("Timeout"), "MemorySize": current.get("MemorySize"),
               "Environment": {"Variables": (current.get("Environment") or {}).get("Variables") or {}}}
        if now != config:
            self.aws.call("lambda", "update_function_configuration", FunctionName=name, doing=doing, **config)
            self._wait_ready(name)
        return str(current["FunctionArn"])

    def _wait_ready(self, name: str) -> None:
        for wait in (1, 2, 3, 5, 5, 5, 10, 10, 10, 10):
            conf = self.aws.call("lambda", "get_function_configuration", FunctionName=name,
                                 doing=f"waiting for Lambda {name}")
            if conf.get("State", "Active") != "Pending" and conf.get("LastUpdateStatus", "Successful") != "InProgress":
                return
            self.aws.sleep(wait)
        raise AwsError(f"Lambda {name} is still not ready after a minute; run deploy-fixtures again")

    def _allow_invoke(self, function_arn: str, api_id: str) -> None:
        try:
            self.aws.call("lambda", "add_permission", FunctionName=function_arn, doing="allowing API Gateway to invoke "
                          + function_arn.rsplit(":", 1)[-1], StatementId=f"{self.stack}-{api_id}"[:100],
                          Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                          SourceArn=f"arn:{self.aws.partition}:execute-api:{self.aws.region}:{self.aws.account}:{api_id}/*")
        except AwsError as exc:
            if aws_code(exc) != "ResourceConflictException":   # already there
                raise

    def _lambda_uri(self, function_arn: str) -> str:
        return (f"arn:{self.aws.partition}:apigateway:{self.aws.region}:lambda:path/2015-03-31/functions/"
                f"{function_arn}/invocations")

    # -- REST API --------------------------------------------------------------------
    def _create_rest(self, name: str, model: Any, arns: dict[str, str], digest: str) -> str:
        aws, doing = self.aws, f"creating REST API {self.stack}-{name}"
        api = aws.call("apigateway", "create_rest_api", name=f"{self.stack}-{name}", doing=doing,
                       description=model.description[:1024], tags={**self._tags(name), HASH_TAG: digest},
                       endpointConfiguration={"types": ["REGIONAL"]},
                       **({"binaryMediaTypes": model.binary_media_types} if model.binary_media_types else {}))
        api_id = api["id"]
        ids = {"/": api.get("rootResourceId") or next(
            r["id"] for r in aws.pages("apigateway", "get_resources", "items", restApiId=api_id, doing=doing)
            if r["path"] == "/")}
        for path in sorted(model.resources, key=lambda p: (p.count("/"), p)):
            if path == "/":
                continue
            parent = path.rsplit("/", 1)[0] or "/"
            ids[path] = aws.call("apigateway", "create_resource", restApiId=api_id, parentId=ids[parent],
                                 pathPart=path.rsplit("/", 1)[1], doing=doing)["id"]
        authorizer_ids = {}
        for auth in model.authorizers.values():
            params: dict[str, Any] = {"identitySource": ",".join(auth.identity_source),
                                      "authorizerResultTtlInSeconds": auth.result_ttl_seconds}
            if auth.identity_validation_expression:
                params["identityValidationExpression"] = auth.identity_validation_expression
            authorizer_ids[auth.name] = aws.call(
                "apigateway", "create_authorizer", restApiId=api_id, name=auth.name, type=auth.type,
                authorizerUri=self._lambda_uri(arns[auth.function]), doing=doing, **params)["id"]
            self._allow_invoke(arns[auth.function], api_id)
        for path, resource in model.resources.items():
            for verb, method in resource.methods.items():
                self._rest_method(api_id, ids[path], verb, method, arns, authorizer_ids, doing)
        for kind, resp in model.gateway_responses.items():
            params = {"responseParameters": resp.response_parameters, "responseTemplates": resp.response_templates}
            if resp.status_code is not None:
                params["statusCode"] = str(resp.status_code)
            aws.call("apigateway", "put_gateway_response", restApiId=api_id, responseType=kind, doing=doing, **params)
        deployment = aws.call("apigateway", "create_deployment", restApiId=api_id, doing=doing,
                              description="cors-e2e deploy-fixtures")
        aws.call("apigateway", "create_stage", restApiId=api_id, stageName=model.stage, doing=doing,
                 deploymentId=deployment["id"], variables=dict(model.stage_variables), tags=self._tags(name))
        if model.throttle is not None:
            aws.call("apigateway", "update_stage", restApiId=api_id, stageName=model.stage, doing=doing,
                     patchOperations=[
                         {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(model.throttle.rate_limit)},
                         {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(model.throttle.burst_limit)}])
        if model.api_keys:
            self._api_keys(name, model, api_id, doing)
        # Last: the stage's hash marks the API complete (an interrupted deploy is replaced next time).
        aws.call("apigateway", "tag_resource", doing=doing, tags={HASH_TAG: digest},
                 resourceArn=f"arn:{aws.partition}:apigateway:{aws.region}::/restapis/{api_id}/stages/{model.stage}")
        return str(api_id)

    def _rest_method(self, api_id: str, resource_id: str, verb: str, method: Any, arns: dict[str, str],
                     authorizer_ids: dict[str, str], doing: str) -> None:
        aws = self.aws
        params: dict[str, Any] = {"authorizationType": method.authorization_type,
                                  "apiKeyRequired": method.api_key_required}
        if method.authorizer:
            params["authorizerId"] = authorizer_ids[method.authorizer]
        aws.call("apigateway", "put_method", restApiId=api_id, resourceId=resource_id, httpMethod=verb,
                 doing=doing, **params)
        integ = method.integration
        where = {"restApiId": api_id, "resourceId": resource_id, "httpMethod": verb}
        if integ.type == "AWS_PROXY":
            assert integ.function is not None
            aws.call("apigateway", "put_integration", **where, doing=doing, type="AWS_PROXY",
                     integrationHttpMethod="POST", uri=self._lambda_uri(arns[integ.function]),
                     timeoutInMillis=integ.timeout_ms)
            self._allow_invoke(arns[integ.function], api_id)
            return
        aws.call("apigateway", "put_integration", **where, doing=doing, type="MOCK",
                 requestTemplates=integ.request_templates, passthroughBehavior=integ.passthrough_behavior)
        for mr in method.method_responses:
            aws.call("apigateway", "put_method_response", **where, doing=doing, statusCode=str(mr.status_code),
                     responseParameters=dict(mr.response_parameters))
        for ir in integ.integration_responses:
            extra = {"selectionPattern": ir.selection_pattern} if ir.selection_pattern is not None else {}
            aws.call("apigateway", "put_integration_response", **where, doing=doing, statusCode=str(ir.status_code),
                     responseParameters=dict(ir.response_parameters), responseTemplates=dict(ir.response_templates),
                     **extra)

    def _api_keys(self, name: str, model: Any, api_id: str, doing: str) -> None:
        aws = self.aws
        plan = aws.call("apigateway", "create_usage_plan", name=f"{self.stack}-{name}", doing=doing,
                        apiStages=[{"apiId": api_id, "stage": model.stage}], tags=self._tags(name))
        for i, value in enumerate(model.api_keys):
            key = aws.call("apigateway", "create_api_key", name=f"{self.stack}-{name}-{i + 1}", doing=doing,
                           value=api_key_value(value, self.stack, name), enabled=True, tags=self._tags(name))
            aws.call("apigateway", "create_usage_plan_key", usagePlanId=plan["id"], keyId=key["id"],
                     keyType="API_KEY", doing=doing)
            self.say(f"          {name}: API key {key['id']} (its value: aws apigateway get-api-key "
                     f"--api-key {key['id']} --include-value)")

    # -- HTTP API ----------------------------------------------------------------------
    def _create_http(self, name: str, model: Any, arns: dict[str, str], digest: str) -> tuple[str, str]:
        aws, doing = self.aws, f"creating HTTP API {self.stack}-{name}"
        params: dict[str, Any] = {}
        if model.cors is not None:
            c = model.cors
            cors: dict[str, Any] = {"AllowOrigins": c.allow_origins, "AllowCredentials": c.allow_credentials}
            for key, value in (("AllowMethods", c.allow_methods), ("AllowHeaders", c.allow_headers),
                               ("ExposeHeaders", c.expose_headers)):
                if value:
                    cors[key] = value
            if c.max_age is not None:
                cors["MaxAge"] = c.max_age
            params["CorsConfiguration"] = cors
        api = aws.call("apigatewayv2", "create_api", Name=f"{self.stack}-{name}", ProtocolType="HTTP",
                       Description=model.description[:1024], Tags={**self._tags(name), HASH_TAG: digest},
                       doing=doing, **params)
        api_id = api["ApiId"]
        authorizer_ids = {}
        for auth in model.authorizers.values():
            authorizer_ids[auth.name] = aws.call(
                "apigatewayv2", "create_authorizer", ApiId=api_id, Name=auth.name, AuthorizerType="REQUEST",
                AuthorizerUri=self._lambda_uri(arns[auth.function]), IdentitySource=auth.identity_source,
                AuthorizerPayloadFormatVersion=auth.payload_format_version,
                EnableSimpleResponses=auth.enable_simple_responses, AuthorizerResultTtlInSeconds=0,
                doing=doing)["AuthorizerId"]
            self._allow_invoke(arns[auth.function], api_id)
        integrations: dict[tuple[str, int], str] = {}
        for route in model.routes:
            integ = route.integration
            key = (integ.function, integ.timeout_ms)
            if key not in integrations:
                integrations[key] = aws.call(
                    "apigatewayv2", "create_integration", ApiId=api_id, IntegrationType="AWS_PROXY",
                    IntegrationUri=arns[integ.function], PayloadFormatVersion=integ.payload_format_version,
                    TimeoutInMillis=integ.timeout_ms, doing=doing)["IntegrationId"]
                self._allow_invoke(arns[integ.function], api_id)
            extra: dict[str, Any] = {"AuthorizationType": "NONE"}
            if route.authorizer:
                extra = {"AuthorizationType": "CUSTOM", "AuthorizerId": authorizer_ids[route.authorizer]}
            aws.call("apigatewayv2", "create_route", ApiId=api_id, RouteKey=route.route_key,
                     Target=f"integrations/{integrations[key]}", doing=doing, **extra)
        stage: dict[str, Any] = {}
        if model.throttle is not None:
            stage["DefaultRouteSettings"] = {"ThrottlingRateLimit": model.throttle.rate_limit,
                                             "ThrottlingBurstLimit": model.throttle.burst_limit}
        # Last: the stage, with the hash that marks the API complete.
        aws.call("apigatewayv2", "create_stage", ApiId=api_id, StageName=model.stage, AutoDeploy=True,
                 Tags={**self._tags(name), HASH_TAG: digest}, doing=doing, **stage)
        return str(api_id), str(api.get("ApiEndpoint") or "")


def delete_api(aws: Aws, kind: str, api_id: str) -> None:
    try:
        if kind == "rest":
            aws.call("apigateway", "delete_rest_api", restApiId=api_id, doing=f"deleting REST API {api_id}")
        else:
            aws.call("apigatewayv2", "delete_api", ApiId=api_id, doing=f"deleting HTTP API {api_id}")
    except UnknownApi:
        pass   # already gone
