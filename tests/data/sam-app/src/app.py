"""The notes Lambda of the SAM test app: CORS headers for the one allowed
origin on its own answers; /crash raises, so API Gateway answers 502 through
DEFAULT_5XX (which this template does give CORS headers)."""
import json
import os

ALLOWED_ORIGIN = os.environ.get("ALLOWED_ORIGIN", "")


def handler(event, context):
    if event["resource"] == "/crash":
        raise RuntimeError("crash on purpose")
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    cors = {"Vary": "Origin"}
    if headers.get("origin") == ALLOWED_ORIGIN:
        cors.update({"Access-Control-Allow-Origin": ALLOWED_ORIGIN, "Access-Control-Allow-Credentials": "true"})
    status = 201 if event["httpMethod"] == "POST" else 200
    return {"statusCode": status, "headers": {"Content-Type": "application/json", **cors},
            "body": json.dumps({"notes": [], "method": event["httpMethod"]})}
