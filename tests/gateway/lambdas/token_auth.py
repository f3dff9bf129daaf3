"""A REST Lambda authorizer for tests: the token says what to decide.
allow (or allow-ANYTHING: a token of its own) / deny / unauthorized (raises
"Unauthorized") / other-resource / boom. An allow covers only the method ARN
it was asked about, as a careful authorizer writes it. Every invocation
appends a line to $AUTHORIZER_LOG, so tests see whether it ran."""
import os


def policy(effect, resource, principal="user-1"):
    return {"principalId": principal,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
            "context": {"tier": "gold", "admin": False}}


def handler(event, context):
    if os.environ.get("AUTHORIZER_LOG"):
        with open(os.environ["AUTHORIZER_LOG"], "a", encoding="utf-8") as log:
            log.write(event.get("type", "?") + "\n")
    token = event.get("authorizationToken") or (event.get("headers") or {}).get("x-user", "")
    token = token.removeprefix("Bearer ")
    if token == "allow" or token.startswith("allow-"):
        return policy("Allow", event["methodArn"])
    if token == "deny":
        return policy("Deny", event["methodArn"])
    if token == "other-resource":
        return policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:other/*")
    if token == "boom":
        raise ValueError("authorizer bug")
    raise Exception("Unauthorized")
