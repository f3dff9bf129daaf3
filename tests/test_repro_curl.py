"""`cors-e2e repro --curl` (issue 7): commands as Chromium's and Firefox's
DevTools "Copy as cURL" write them parse into the same request.

The examples are written the way each browser's DevTools writes them today
(bash flavour): Chromium with lower-case HTTP/2 names in alphabetical order,
cookies as ``-b``, ``-X 'PUT'`` only when the method is not implied,
``$'...'`` with ``\\uXXXX`` for ``!`` and control characters, ``[]`` escaped in
the URL; Firefox with its own header order and capitalisation, ``-X POST``
even with a body, ``Cookie`` as a header, ``Accept-Encoding`` kept,
``$'...'`` with ``\\xHH``, ``--globoff`` for brackets."""
from __future__ import annotations

import pytest

from e2e.errors import BadInput
from e2e.repro.curl import parse_curl, shell_words
from e2e.repro.request import ParsedRequest

CHROMIUM_POST = r"""curl 'https://api.example.com/v1/orders?cart=7' \
  -H 'accept: application/json' \
  -H 'accept-language: en-US,en;q=0.9' \
  -H 'content-type: application/json' \
  -b 'session=3f9a1c; theme=dark' \
  -H 'origin: https://shop.example.com' \
  -H 'priority: u=1, i' \
  -H 'referer: https://shop.example.com/' \
  -H 'sec-ch-ua: "Chromium";v="138", "Not)A;Brand";v="8"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "Linux"' \
  -H 'sec-fetch-dest: empty' \
  -H 'sec-fetch-mode: cors' \
  -H 'sec-fetch-site: same-site' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36' \
  -H 'x-request-id: 5b1e0c2a' \
  --data-raw '{"sku":"A-1","qty":2}'"""

FIREFOX_POST = r"""curl 'https://api.example.com/v1/orders?cart=7' \
  -X POST \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0' \
  -H 'Accept: application/json' \
  -H 'Accept-Language: en-US,en;q=0.9' \
  -H 'Accept-Encoding: gzip, deflate, br, zstd' \
  -H 'Referer: https://shop.example.com/' \
  -H 'Content-Type: application/json' \
  -H 'X-Request-Id: 5b1e0c2a' \
  -H 'Origin: https://shop.example.com' \
  -H 'Sec-GPC: 1' \
  -H 'Connection: keep-alive' \
  -H 'Cookie: session=3f9a1c; theme=dark' \
  -H 'Sec-Fetch-Dest: empty' \
  -H 'Sec-Fetch-Mode: cors' \
  -H 'Sec-Fetch-Site: same-site' \
  -H 'Priority: u=0' \
  --data-raw '{"sku":"A-1","qty":2}'"""

# Firefox before its multi-line output: one line, same options.
FIREFOX_POST_ONE_LINE = " ".join(line.strip().rstrip("\\").strip() for line in FIREFOX_POST.splitlines())

# An older Chromium: --compressed, the cookie as a header, HTTP/2's :authority copied as "authority".
CHROMIUM_POST_OLDER = r"""curl 'https://api.example.com/v1/orders?cart=7' \
  -H 'authority: api.example.com' \
  -H 'accept: application/json' \
  -H 'accept-language: en-US,en;q=0.9' \
  -H 'content-type: application/json' \
  -H 'cookie: session=3f9a1c; theme=dark' \
  -H 'origin: https://shop.example.com' \
  -H 'referer: https://shop.example.com/' \
  -H 'sec-fetch-mode: cors' \
  -H 'user-agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36' \
  -H 'x-request-id: 5b1e0c2a' \
  --data-raw '{"sku":"A-1","qty":2}' \
  --compressed"""


def same(request: ParsedRequest) -> tuple[object, ...]:
    """What makes two parsed requests the same fetch (header names compare
    case-insensitively, as HTTP does)."""
    return (request.url, request.method, [(n.lower(), v) for n, v in request.headers], request.body,
            request.origin, request.credentials)


def test_chromium_and_firefox_copies_of_one_request_parse_into_the_same_request() -> None:
    chromium, firefox = parse_curl(CHROMIUM_POST), parse_curl(FIREFOX_POST)
    assert same(chromium) == same(firefox)
    assert same(parse_curl(FIREFOX_POST_ONE_LINE)) == same(firefox)
    assert same(parse_curl(CHROMIUM_POST_OLDER)) == same(chromium)
    assert chromium.url == "https://api.example.com/v1/orders?cart=7"
    assert chromium.method == "POST"
    assert chromium.headers == [("accept", "application/json"), ("accept-language", "en-US,en;q=0.9"),
                                ("content-type", "application/json"), ("x-request-id", "5b1e0c2a")]
    assert chromium.body == '{"sku":"A-1","qty":2}'
    assert chromium.origin == "https://shop.example.com"
    assert chromium.credentials == "include"
    assert (chromium.target, chromium.path) == ("https://api.example.com", "/v1/orders?cart=7")


def test_the_notes_say_what_was_dropped_and_why_credentials_are_include() -> None:
    notes = parse_curl(FIREFOX_POST).notes
    forbidden = next(n for n in notes if n.startswith("dropped headers the browser sets itself"))
    for name in ("Accept-Encoding", "Referer", "Origin", "Sec-GPC", "Connection", "Sec-Fetch-Mode"):
        assert name in forbidden
    added = next(n for n in notes if n.startswith("dropped headers the browser or DevTools added"))
    assert "User-Agent" in added and "Priority" in added
    assert any("credentials: include, because the request carried cookies" in n for n in notes)
    assert any(n.startswith("Cookie removed: a page cannot set it from script") for n in notes)
    assert not any(n.lower() == "cookie" for n, _ in parse_curl(CHROMIUM_POST).headers)


CHROMIUM_PUT_SPECIAL_BODY = r"""curl 'https://api.example.com/v1/notes/9?tags\[\]=a' \
  -X 'PUT' \
  -H 'content-type: text/plain;charset=UTF-8' \
  -H 'origin: https://shop.example.com' \
  -H 'sec-fetch-mode: cors' \
  --data-raw $'Don\'t panic\u0021\nCaf\u00e9 is café'"""

FIREFOX_PUT_SPECIAL_BODY = r"""curl 'https://api.example.com/v1/notes/9?tags[]=a' \
  --globoff \
  -X PUT \
  -H 'Content-Type: text/plain;charset=UTF-8' \
  -H 'Origin: https://shop.example.com' \
  -H 'Sec-Fetch-Mode: cors' \
  --data-raw $'Don\'t panic!\nCaf\xe9 is caf\xe9'"""


def test_ansi_c_quoted_bodies_and_escaped_brackets_parse_the_same_in_both_styles() -> None:
    chromium, firefox = parse_curl(CHROMIUM_PUT_SPECIAL_BODY), parse_curl(FIREFOX_PUT_SPECIAL_BODY)
    assert same(chromium) == same(firefox)
    assert chromium.url == "https://api.example.com/v1/notes/9?tags[]=a"
    assert chromium.method == "PUT"
    assert chromium.body == "Don't panic!\nCafé is café"
    assert chromium.credentials == "same-origin"


def test_the_shell_words_follow_bash_quoting() -> None:
    text = "curl 'a b' \\\n  -H $'x\\u0021\\'y' \"q\\\"r\\$\" a\\ b $'\\xc3\\xa9' $'\\x41\\101\\t'"
    assert shell_words(text) == ["curl", "a b", "-H", "x!'y", 'q"r$', "a b", "é", "AA\t"]


@pytest.mark.parametrize("command, method, body", [
    ("curl 'https://api.example.com/x' -H 'Origin: https://a.example'", "GET", None),
    ("curl 'https://api.example.com/x' -d 'a=1' -d 'b=2'", "POST", "a=1&b=2"),
    ("curl 'https://api.example.com/x' --data-binary '{}'", "POST", "{}"),
    ("curl 'https://api.example.com/x' --data '{}' -X PATCH", "PATCH", "{}"),
    ("curl -I 'https://api.example.com/x'", "HEAD", None),
    ("curl -sSLk -XDELETE --url 'https://api.example.com/x' -i --http2 --location --insecure", "DELETE", None),
])
def test_the_method_defaults_to_get_or_post_with_data(command: str, method: str, body: str | None) -> None:
    request = parse_curl(command)
    assert (request.method, request.body) == (method, body)


def test_a_body_without_content_type_gets_curls_form_type() -> None:
    request = parse_curl("curl https://api.example.com/x -d 'a=1' -H 'Origin: https://a.example'")
    assert request.headers == [("Content-Type", "application/x-www-form-urlencoded")]


def test_authorization_is_kept_and_means_credentials_include() -> None:
    request = parse_curl("curl 'https://api.example.com/x' -H 'Origin: https://a.example' "
                         "-H 'Authorization: Bearer t0k3n'")
    assert request.headers == [("Authorization", "Bearer t0k3n")]
    assert request.credentials == "include" and request.needs_preflight
    assert any("--credentials same-origin" in n for n in request.notes)


def test_an_empty_header_is_written_name_semicolon() -> None:
    request = parse_curl("curl 'https://api.example.com/x' -H 'x-empty;' -H 'x-removed:'")
    assert request.headers == [("x-empty", "")]


def test_devtools_disable_cache_headers_are_dropped_but_a_page_cache_control_is_kept() -> None:
    devtools = parse_curl("curl 'https://api.example.com/x' -H 'pragma: no-cache' -H 'cache-control: no-cache'")
    assert devtools.headers == []
    page = parse_curl("curl 'https://api.example.com/x' -H 'cache-control: max-age=0'")
    assert page.headers == [("cache-control", "max-age=0")]


def test_without_origin_the_referer_gives_the_page_origin_and_null_gives_none() -> None:
    request = parse_curl("curl 'https://api.example.com/x' -H 'Referer: https://shop.example.com/cart?id=1'")
    assert request.origin == "https://shop.example.com"
    opaque = parse_curl("curl 'https://api.example.com/x' -H 'Origin: null'")
    assert opaque.origin is None and any("--origin" in n for n in opaque.notes)
    nothing = parse_curl("curl 'https://api.example.com/x'")
    assert nothing.origin is None and nothing.cross_origin is None


@pytest.mark.parametrize("command, message", [
    ("curl 'https://api.example.com/x' -u me:secret", r"^curl command: unsupported option -u$"),
    ("curl 'https://api.example.com/x' --proxy http://p:1", r"^curl command: unsupported option --proxy$"),
    ("curl -sZ 'https://api.example.com/x'", r"unsupported option -Z"),
    ("curl 'https://api.example.com/x' -d @body.json", r"-d @body\.json: reading the body from a file"),
    ("curl 'https://api.example.com/x' -X GET -d 'a=1'", r"a GET request with a body"),
    ("curl 'https://api.example.com/x' -X TRACE", r"TRACE is a forbidden method"),
    ("curl 'https://api.example.com/x' 'https://api.example.com/y'", r"more than one URL"),
    ("curl api.example.com/x", r"has no scheme"),
    ("curl 'https://api.example.com/x", r"unterminated ' quote"),
    ("curl 'https://api.example.com/x' -H", r"-H needs a value"),
    ("curl 'https://api.example.com/x' -H 'no colon'", r"is not 'Name: value'"),
    ("curl 'https://api.example.com/x' | jq .", r"shell operator '\|'"),
    ("wget 'https://api.example.com/x'", r"must start with curl"),
    ('curl "https://api.example.com/x" ^\n  -H "accept: */*"', r"Copy as cURL \(cmd\)"),
    ("", r"empty"),
])
def test_what_cannot_be_reproduced_is_refused_in_one_line(command: str, message: str) -> None:
    with pytest.raises(BadInput, match=message) as info:
        parse_curl(command)
    assert "\n" not in str(info.value)
