"""Stand-in for every Lambda when inspect probes the gateway layer: it
raises, so what a probe sees after the preflight is API Gateway's own answer
to a crash (502 through DEFAULT_5XX on REST, 500 on HTTP APIs)."""


def handler(event, context):
    raise RuntimeError("cors-e2e probe: a crash on purpose")
