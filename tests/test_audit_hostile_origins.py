"""The hostile origins an audit derives from the legitimate ones."""
from __future__ import annotations

from e2e.audit.hostile import (ANY_ORIGIN, HTTP_ORIGIN, NULL_ORIGIN, PREFIX_MATCH, SPECIAL_CHARS, SUBDOMAIN_TRUST,
                               SUFFIX_MATCH, derive, site_of)
from e2e.scenarios import OPAQUE_PAGE, STUB_PAGE, check_origin


def by_origin(legit: list[str], **kw) -> dict[str, str]:
    return {h.origin: h.bug_class for h in derive(legit, **kw)}


def test_the_issues_examples_for_an_https_origin() -> None:
    assert by_origin(["https://app.example.com"]) == {
        "https://attacker.example": ANY_ORIGIN,
        "https://app.example.com.attacker.example": PREFIX_MATCH,
        "https://evilapp.example.com": SUFFIX_MATCH,
        "https://evilexample.com": SUFFIX_MATCH,
        "https://cors-e2e-audit.example.com": SUBDOMAIN_TRUST,
        "http://app.example.com": HTTP_ORIGIN,
        "https://app.example.com_.attacker.example": SPECIAL_CHARS,
        "https://app.example.com$.attacker.example": SPECIAL_CHARS,
        "https://app.example.com`.attacker.example": SPECIAL_CHARS,
        "https://app.example.com}.attacker.example": SPECIAL_CHARS,
        "null": NULL_ORIGIN,
    }


def test_every_hostile_page_is_served_at_a_real_origin() -> None:
    for h in derive(["https://app.example.com:8443", "http://shop.example.org"]):
        assert check_origin(h.served_at, "served_at", stubs=False) == h.served_at
        if h.bug_class == NULL_ORIGIN:
            assert h.page == OPAQUE_PAGE and h.origin == "null"
        else:
            assert h.page == STUB_PAGE and h.origin == h.served_at


def test_a_port_is_kept_and_http_has_no_downgrade() -> None:
    origins = by_origin(["https://app.example.com:8443", "http://shop.example.org"])
    assert origins["https://app.example.com.attacker.example:8443"] == PREFIX_MATCH
    assert origins["http://app.example.com:8443"] == HTTP_ORIGIN
    assert [o for o, c in origins.items() if c == HTTP_ORIGIN] == ["http://app.example.com:8443"]


def test_legitimate_origins_are_never_hostile_and_nothing_twice() -> None:
    legit = ["https://app.example.com", "http://app.example.com", "https://admin.example.com"]
    hostiles = derive(legit)
    assert not {h.origin for h in hostiles} & set(legit)
    keys = [(h.origin, h.page) for h in hostiles]
    assert len(keys) == len(set(keys))
    # the shared site's subdomain once per scheme; the downgrade that is legitimate is not tried
    assert [h.origin for h in hostiles if h.bug_class == SUBDOMAIN_TRUST] == [
        "https://cors-e2e-audit.example.com", "http://cors-e2e-audit.example.com"]
    assert [h.origin for h in hostiles if h.bug_class == HTTP_ORIGIN] == ["http://admin.example.com"]


def test_an_ip_address_has_no_suffix_or_subdomain() -> None:
    classes = set(by_origin(["https://10.0.0.5"]).values())
    assert SUFFIX_MATCH not in classes and SUBDOMAIN_TRUST not in classes
    assert PREFIX_MATCH in classes


def test_the_null_page_uses_the_apis_scheme() -> None:
    (null,) = [h for h in derive(["https://app.example.com"], api_scheme="http") if h.bug_class == NULL_ORIGIN]
    assert null.served_at == "http://attacker.example"


def test_site_of_guesses_the_last_two_labels() -> None:
    assert site_of("app.example.com") == "example.com"
    assert site_of("example.com") == "example.com"


def test_special_characters_only_where_the_engine_loads_them() -> None:
    engines = {h.origin: h.engines for h in derive(["https://app.example.com"]) if h.bug_class == SPECIAL_CHARS}
    assert engines["https://app.example.com_.attacker.example"] == ("chromium", "firefox", "webkit")
    assert engines["https://app.example.com`.attacker.example"] == ("chromium", "webkit")
