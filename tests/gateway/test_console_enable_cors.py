"""The console's "Enable CORS": 200, a wildcard origin, one resource only."""
from .httpclient import preflight


def test_console_preflight_answers_200_with_a_wildcard_origin(apis):
    resp = preflight(apis["preflights"], "/console", "https://x.example")
    assert resp.status == 200
    assert resp.header("Access-Control-Allow-Origin") == "*"
    assert resp.header("Access-Control-Allow-Headers") == (
        "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token")
    assert resp.header("Vary") is None
    assert resp.body == b""
