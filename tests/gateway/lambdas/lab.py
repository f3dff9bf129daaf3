"""A test Lambda whose behaviour the request picks: ?case=NAME returns one of
the proxy-response shapes below; ?do=raise|exit|sleep|wait misbehaves; ?do=meet waits for n at once; ?do=event
returns the event it received; ?do=big&bytes=N answers a body of N bytes."""
import json
import os
import time

SHAPES = {
    "unknown-key": {"statusCode": 200, "body": "x", "extra": 1},
    "empty-object": {},
    "string": "just a string",
    "list": [1, 2],
    "null": None,
    "float-status": {"statusCode": 200.5, "body": "x"},
    "word-status": {"statusCode": "ok", "body": "x"},
    "string-status": {"statusCode": "201", "body": "created"},
    "no-status": {"body": "no status"},
    "bool-header": {"statusCode": 200, "headers": {"X-Flag": True, "X-Off": False}},
    "merged-headers": {"statusCode": 200, "headers": {"X-Both": "solo"},
                       "multiValueHeaders": {"X-Both": ["m1", "m2"]}},
    "multi-only": {"statusCode": 200, "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}},
    "cookies-both": {"statusCode": 200, "headers": {"Set-Cookie": "solo=3"},
                     "multiValueHeaders": {"set-cookie": ["a=1; Secure", "b=2"]}},
    "same-pair-both": {"statusCode": 200, "headers": {"X-Both": "m1", "Set-Cookie": "a=1"},
                       "multiValueHeaders": {"X-Both": ["m1", "m2"], "Set-Cookie": ["a=1", "b=2"]}},
    "numbers": {"statusCode": 200, "headers": {"X-Count": 5, "X-Ratio": 2.5, "X-Both": 1},
                "multiValueHeaders": {"X-List": [1, 2], "X-Both": [0]}},
    "multi-not-list": {"statusCode": 200, "multiValueHeaders": {"X-A": "not-a-list"}},
    "remapped": {"statusCode": 200, "headers": {"Date": "yesterday", "Server": "lambda",
                                                "Connection": "close", "Content-Length": "999"},
                 "body": "hi"},
    "text-plain": {"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "plain"},
    "object-body": {"statusCode": 200, "body": {"not": "a string"}},
    "base64": {"statusCode": 200, "body": "aGVsbG8=", "isBase64Encoded": True},
    "png": {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": "iVBORw0K",
            "isBase64Encoded": True},
    "bad-base64": {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": "not base64!",
                   "isBase64Encoded": True},
}


def handler(event, context):
    query = event.get("queryStringParameters") or {}
    action = query.get("do")
    if action == "raise":
        raise RuntimeError("boom")
    if action == "exit":
        os._exit(3)
    if action == "sleep":
        time.sleep(float(query.get("seconds", "5")))
        if query.get("done"):
            open(query["done"], "w").close()   # only a handler that was not killed gets here
        return {"statusCode": 200, "body": "slept"}
    if action == "wait":
        # Timeouts without a stopwatch: the handler cannot finish before the test
        # creates the release file, and leaves the done file when it does finish.
        if query.get("pidfile"):
            with open(query["pidfile"], "w") as f:
                f.write(str(os.getpid()))
        deadline = time.monotonic() + 60   # past any timeout here: only a kill or the release ends it
        while not os.path.exists(query["release"]) and time.monotonic() < deadline:
            time.sleep(0.01)
        if os.path.exists(query["release"]):
            open(query["done"], "w").close()
        return {"statusCode": 200, "body": "released"}
    if action == "meet":
        # Parallelism without a stopwatch: each invocation leaves its pid in a
        # shared directory and waits (within its own timeout) until n are there.
        meeting = query["dir"]
        n = int(query.get("n", "3"))
        open(os.path.join(meeting, str(os.getpid())), "w").close()
        deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - 0.1
        while len(os.listdir(meeting)) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        met = len(os.listdir(meeting)) >= n
        return {"statusCode": 200, "body": json.dumps({"pid": os.getpid(), "met": met})}
    if action == "big":
        return {"statusCode": 200, "body": "x" * int(query["bytes"])}
    if action == "event":
        return {"statusCode": 200, "body": json.dumps(event)}
    if action == "context":
        return {"statusCode": 200, "body": json.dumps({
            "function_name": context.function_name, "aws_request_id": context.aws_request_id,
            "remaining": context.get_remaining_time_in_millis(),
            "memory": context.memory_limit_in_mb, "pid": os.getpid()})}
    if action == "print":
        print("this goes to the log, not the protocol")
        return {"statusCode": 200, "body": "printed"}
    return SHAPES[query.get("case", "no-status")]
