"""A test Lambda for HTTP APIs (payload 2.0): ?case=NAME picks the answer,
?do=event|raise|sleep misbehaves; ?do=big&bytes=N answers a body of N bytes."""
import json
import time

SHAPES = {
    "plain-json": {"hello": "world"},
    "string-status": {"statusCode": "201", "body": "created"},
    "word-status": {"statusCode": "ok", "body": "x"},
    "cookies": {"statusCode": 200, "cookies": ["a=1", "b=2; Secure"], "body": "c"},
    "cookies-and-header": {"statusCode": 200, "cookies": ["a=1", "b=2"], "headers": {"Set-Cookie": "h=3", "X-Count": 5},
                           "body": "c"},
    "own-cors": {"statusCode": 200, "body": "own",
                 "headers": {"Access-Control-Allow-Origin": "https://lambda.example",
                             "access-control-allow-credentials": "true", "X-Kept": "yes"}},
    "no-content-type": {"statusCode": 200, "body": "x"},
}


def handler(event, context):
    query = event.get("queryStringParameters") or {}
    action = query.get("do")
    if action == "raise":
        raise RuntimeError("boom")
    if action == "sleep":
        time.sleep(float(query.get("seconds", "1")))
    if action == "big":
        return {"statusCode": 200, "body": "x" * int(query["bytes"])}
    if action == "event":
        return {"statusCode": 200, "body": json.dumps(event)}
    return SHAPES.get(query.get("case", ""), {"statusCode": 200, "body": "ok"})
