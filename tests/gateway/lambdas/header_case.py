"""Two ways to read the request's Origin in a REST Lambda. ``capitalised``
reads ``event["headers"]["Origin"]`` as code tested over HTTP/1.1 often does
(a KeyError when the name arrives lower-case, as it does from a browser over
HTTP/2); ``lower_case`` reads ``origin``. Both echo the origin."""
import json


def _answer(origin):
    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": origin, "Vary": "Origin"},
            "body": json.dumps({"origin": origin})}


def capitalised(event, context):
    return _answer(event["headers"]["Origin"])


def lower_case(event, context):
    return _answer(event["headers"]["origin"])
