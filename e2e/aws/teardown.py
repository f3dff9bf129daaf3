"""``teardown-fixtures``: delete exactly what deploy-fixtures created, found by
its ``cors-e2e:stack`` tag (and, with ``fixtures``, its ``cors-e2e:fixture``
tag): usage plans and API keys, REST and HTTP APIs, Lambda functions, and the
stack's IAM role. Safe to run twice; resources without the tag are never touched."""
from __future__ import annotations

from typing import Callable

from e2e.aws.deploy import FIXTURE_TAG, STACK_TAG, delete_api, role_name
from e2e.aws.errors import UnknownApi
from e2e.aws.session import Aws


def teardown(aws: Aws, stack: str, fixtures: list[str] | None = None,
             say: Callable[[str], None] = lambda line: None) -> list[str]:
    """Delete the stack's resources (only those of ``fixtures`` when given);
    returns one line per deleted resource."""
    gone: list[str] = []

    def mine(tags: dict[str, str] | None) -> bool:
        tags = tags or {}
        return tags.get(STACK_TAG) == stack and (fixtures is None or tags.get(FIXTURE_TAG) in fixtures)

    def done(line: str) -> None:
        gone.append(line)
        say(f"deleted {line}")

    for plan in aws.pages("apigateway", "get_usage_plans", "items", limit=500, doing="listing usage plans"):
        if mine(plan.get("tags")):
            stages = [f"{s['apiId']}:{s['stage']}" for s in plan.get("apiStages") or []]
            if stages:   # a plan still attached to a stage cannot be deleted
                aws.call("apigateway", "update_usage_plan", usagePlanId=plan["id"], doing="detaching a usage plan",
                         patchOperations=[{"op": "remove", "path": "/apiStages", "value": s} for s in stages])
            _quietly(lambda: aws.call("apigateway", "delete_usage_plan", usagePlanId=plan["id"],
                                      doing="deleting a usage plan"))
            done(f"usage plan {plan['name']}")
    for key in aws.pages("apigateway", "get_api_keys", "items", limit=500, doing="listing API keys"):
        if mine(key.get("tags")):
            _quietly(lambda: aws.call("apigateway", "delete_api_key", apiKey=key["id"], doing="deleting an API key"))
            done(f"API key {key['name']}")
    for api in aws.pages("apigateway", "get_rest_apis", "items", limit=500, doing="listing REST APIs"):
        if mine(api.get("tags")):
            delete_api(aws, "rest", api["id"])
            done(f"REST API {api['name']} ({api['id']})")
    for api in aws.pages("apigatewayv2", "get_apis", "Items", doing="listing HTTP APIs"):
        if mine(api.get("Tags")):
            delete_api(aws, "http", api["ApiId"])
            done(f"HTTP API {api['Name']} ({api['ApiId']})")
    for fn in aws.pages("lambda", "list_functions", "Functions", doing="listing Lambda functions"):
        if not fn["FunctionName"].startswith(f"{stack}-"):
            continue   # cheap filter first; the tags decide
        tags = aws.call("lambda", "list_tags", Resource=fn["FunctionArn"], doing="reading Lambda tags").get("Tags")
        if mine(tags):
            _quietly(lambda: aws.call("lambda", "delete_function", FunctionName=fn["FunctionName"],
                                      doing=f"deleting Lambda {fn['FunctionName']}"))
            done(f"Lambda {fn['FunctionName']}")
    if fixtures is None:
        _delete_role(aws, stack, done)
    return gone


def _delete_role(aws: Aws, stack: str, done: Callable[[str], None]) -> None:
    name = role_name(stack)
    try:
        tags = aws.call("iam", "list_role_tags", RoleName=name, doing=f"reading IAM role {name}").get("Tags", [])
    except UnknownApi:
        return
    if {t["Key"]: t["Value"] for t in tags}.get(STACK_TAG) != stack:
        return   # same name, not ours
    doing = f"deleting IAM role {name}"
    for policy in aws.pages("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name, doing=doing):
        aws.call("iam", "detach_role_policy", RoleName=name, PolicyArn=policy["PolicyArn"], doing=doing)
    for policy in aws.pages("iam", "list_role_policies", "PolicyNames", RoleName=name, doing=doing):
        aws.call("iam", "delete_role_policy", RoleName=name, PolicyName=policy, doing=doing)
    _quietly(lambda: aws.call("iam", "delete_role", RoleName=name, doing=doing))
    done(f"IAM role {name}")


def _quietly(action: Callable[[], object]) -> None:
    """Run a delete; a resource already gone is fine."""
    try:
        action()
    except UnknownApi:
        pass
