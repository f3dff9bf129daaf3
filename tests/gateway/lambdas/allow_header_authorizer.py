"""HTTP API authorizer for tests: allowed when Authorization is "Bearer ok"."""


def handler(event, context):
    return {"isAuthorized": event["headers"].get("authorization") == "Bearer ok",
            "context": {"who": "tester"}}
