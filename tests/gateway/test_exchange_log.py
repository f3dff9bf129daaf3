"""Every request is recorded as an Exchange: headers exactly as received and
sent, the layer that answered, and the gateway response type of errors."""
import uuid

from e2e.exchange import CELL_PARAM, LAYER_GATEWAY_ERROR, LAYER_LAMBDA, LAYER_OPTIONS_METHOD

from .httpclient import FRONTEND, call, preflight


def test_exchanges_are_found_by_cell_parameter_in_arrival_order(gateway, apis):
    cell = uuid.uuid4().hex
    preflight(apis["reference"], f"/items?{CELL_PARAM}={cell}", FRONTEND, "PUT")
    call(apis["reference"], "PUT", f"/items?{CELL_PARAM}={cell}", {"Origin": FRONTEND})
    call(apis["lambda-throws"], "GET", f"/items?{CELL_PARAM}={cell}", {"Origin": FRONTEND})
    call(apis["reference"], "GET", f"/nope?{CELL_PARAM}={cell}")
    found = gateway.exchanges(query_param=CELL_PARAM, value=cell)
    assert [(e.method, e.status, e.layer, e.detail) for e in found] == [
        ("OPTIONS", 204, LAYER_OPTIONS_METHOD, "cdk-cors"),
        ("PUT", 200, LAYER_LAMBDA, None),
        ("GET", 502, LAYER_GATEWAY_ERROR, "DEFAULT_5XX"),
        ("GET", 403, LAYER_GATEWAY_ERROR, "MISSING_AUTHENTICATION_TOKEN"),
    ]
    assert found[0].is_preflight
    assert [e.api for e in found] == ["reference", "reference", "lambda-throws", "reference"]


def test_request_and_response_headers_are_recorded_exactly(gateway, apis):
    cell = uuid.uuid4().hex
    resp = call(apis["reference"], "GET", f"/items?{CELL_PARAM}={cell}", {"oRiGiN": FRONTEND, "X-Dup": "1"})
    (exchange,) = gateway.exchanges(CELL_PARAM, cell)
    assert ("oRiGiN", FRONTEND) in exchange.request_headers
    assert exchange.response_headers == resp.headers
    assert exchange.path == "/prod/items"
    assert exchange.query == f"{CELL_PARAM}={cell}"
    assert '"method": "GET"' in exchange.body
