"""Read a HAR 1.2 file and pick the cross-origin requests to reproduce.

An entry is cross-origin when its page origin differs from its URL's origin.
The page origin is, in order: the request's ``Origin`` header, the origin of
its ``Referer``, the HAR page it belongs to (``log.pages[].title`` when that is
a URL, as Chromium's DevTools writes it, else the page's first document
entry). An entry without an Origin header counts only when the HAR says it was
a script request (``_resourceType`` fetch/xhr, or ``Sec-Fetch-Mode: cors``):
cross-origin images and scripts are not CORS requests.

What a HAR cannot tell, and what is assumed (each lands in the case's notes):

* **The preflight.** Browsers leave preflights out of HAR files. When the
  request needs one and the HAR has none, replay assumes a preflight that
  passes for exactly this request (see :data:`ASSUMED_PREFLIGHT`): the browser
  sent the actual request, which it only does after a successful preflight, so
  the real one passed. The verdict then rests on the recorded actual response,
  which is what the browser judged. A preflight *failure* never reaches a HAR
  as a response (the actual request is not sent): such a case has no recorded
  response, and only ``--live`` can reproduce it. When a HAR does hold the
  preflight (an OPTIONS entry to the same URL with
  Access-Control-Request-Method, before the request), it is used as recorded.
* **A blocked response.** Chromium (DevTools and Playwright) may record a
  request it blocked with status 0/-1, no headers and ``net::ERR_FAILED``;
  Firefox records the response it received. Without a response, replay has
  nothing to serve: the case says so and ``--live`` is the way.
* **Credentials.** A HAR does not record fetch's ``credentials`` mode.
  Cookies (header or ``request.cookies``) or Authorization mean ``include``;
  otherwise fetch's default, ``same-origin``. Sanitized exports (Chromium's
  default) strip cookies and Authorization, so ``--credentials`` overrides.
* **The request body** may be missing (Firefox's Playwright HAR omits it):
  replay then sends none, which CORS does not look at; Content-Type is kept.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e import oracle
from e2e.errors import BadInput
from e2e.exchange import Headers, header_value
from e2e.repro.request import ParsedRequest, build_request, check_method, check_url, parse_origin
from e2e.scenarios import port_problem, split_url

SCRIPT_RESOURCE_TYPES = frozenset({"fetch", "xhr"})
PREFLIGHT_RESOURCE_TYPE = "preflight"  # Chromium's DevTools, when it lists preflights

ASSUMED_PREFLIGHT = ("a preflight that passes for exactly this request: 204 with Access-Control-Allow-Origin "
                     "echoing the page's Origin, Access-Control-Allow-Methods {method}{headers}{credentials}")


@dataclass
class RecordedResponse:
    status: int
    headers: Headers            # as recorded: order, case and duplicates kept
    body: str = ""
    status_text: str = ""


@dataclass
class HarCase:
    """One request of a HAR file, ready to reproduce."""

    index: int                                  # its position in log.entries
    request: ParsedRequest
    recorded_response: RecordedResponse | None  # None: the browser recorded no response
    recorded_preflight: RecordedResponse | None = None
    preflight_index: int | None = None
    notes: list[str] = field(default_factory=list)   # HAR-level; the request has its own

    @property
    def preflight_assumed(self) -> bool:
        """Replay answers the preflight with :data:`ASSUMED_PREFLIGHT`."""
        return self.recorded_preflight is None and self.request.needs_preflight

    @property
    def replayable(self) -> bool:
        return self.recorded_response is not None

    @property
    def all_notes(self) -> list[str]:
        return [*self.request.notes, *self.notes]


# --- reading ----------------------------------------------------------------------
def read_har(path: str | Path) -> dict[str, Any]:
    """The parsed file, checked down to ``log.entries`` being a list."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"{shown}: no such HAR file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{shown}: cannot read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{shown}: not a HAR file: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("log"), dict):
        raise BadInput(f"{shown}: not a HAR file: no top-level 'log' object")
    if not isinstance(data["log"].get("entries"), list):
        raise BadInput(f"{shown}: log.entries: missing or not a list")
    return data


def load_har(path: str | Path, entry: int | None = None) -> list[HarCase]:
    """The cross-origin requests of a HAR file, or just ``log.entries[entry]``
    (0-based) whatever its origin. Preflight entries are attached to their
    request, never returned on their own."""
    shown = str(path)
    log = read_har(path)["log"]
    entries: list[Any] = log["entries"]
    if not entries:
        raise BadInput(f"{shown}: log.entries is empty: the HAR recorded no requests")
    pages = _page_origins(log, entries)
    if entry is not None:
        if not 0 <= entry < len(entries):
            raise BadInput(f"{shown}: --entry {entry}: the HAR has {len(entries)} entries (0 to {len(entries) - 1})")
        return [_case(shown, entries, entry, pages)]
    cases = []
    for index, raw in enumerate(entries):
        if _is_preflight(shown, index, _request(shown, raw, index)):
            continue
        if _is_cross_origin(shown, raw, index, pages):
            cases.append(_case(shown, entries, index, pages))
    if not cases:
        raise BadInput(f"{shown}: no cross-origin requests among its {len(entries)} entries; "
                       f"pick one with --entry N (0-based)")
    return cases


# --- one entry --------------------------------------------------------------------
def _where(path: str, index: int, field_: str = "") -> str:
    return f"{path}: log.entries[{index}]" + (f".{field_}" if field_ else "")


def _request(path: str, raw: Any, index: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BadInput(f"{_where(path, index)}: must be an object")
    request = raw.get("request")
    if not isinstance(request, dict):
        raise BadInput(f"{_where(path, index, 'request')}: missing or not an object")
    for key in ("method", "url"):
        if not isinstance(request.get(key), str) or not request[key]:
            raise BadInput(f"{_where(path, index, 'request.' + key)}: missing or not a string")
    return request


def _headers(path: str, index: int, part: str, value: Any) -> Headers:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInput(f"{_where(path, index, part + '.headers')}: must be a list of {{name, value}}")
    out: Headers = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("value"), str):
            raise BadInput(f"{_where(path, index, f'{part}.headers[{i}]')}: must be {{name, value}} strings")
        out.append((item["name"], item["value"]))
    return out


def _is_preflight(path: str, index: int, request: dict[str, Any], resource_type: str | None = None) -> bool:
    if request["method"] != "OPTIONS":
        return False
    headers = _headers(path, index, "request", request.get("headers"))
    return oracle.is_preflight_request("OPTIONS", headers) or resource_type == PREFLIGHT_RESOURCE_TYPE


def _page_origins(log: dict[str, Any], entries: list[Any]) -> dict[str, str]:
    """pageref -> the page's origin, from its title when that is a URL, else
    from the page's first document entry."""
    out: dict[str, str] = {}
    for page in log.get("pages") or []:
        if isinstance(page, dict) and isinstance(page.get("id"), str):
            origin = _url_origin(page.get("title"))
            if origin:
                out[page["id"]] = origin
    for raw in entries:
        if isinstance(raw, dict) and raw.get("_resourceType") == "document" \
                and isinstance(raw.get("pageref"), str) and raw["pageref"] not in out:
            request = raw.get("request")
            origin = _url_origin(request.get("url") if isinstance(request, dict) else None)
            if origin:
                out[raw["pageref"]] = origin
    return out


def _url_origin(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    parts = split_url(value)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname \
            or port_problem(parts) is not None:
        return None
    return oracle.origin_of(value)


def _is_cross_origin(path: str, raw: dict[str, Any], index: int, pages: dict[str, str]) -> bool:
    request = _request(path, raw, index)
    url_origin = _url_origin(request["url"])
    if url_origin is None:            # data:, blob:, extension URLs
        return False
    headers = _headers(path, index, "request", request.get("headers"))
    origin = header_value(headers, "Origin")
    if origin is not None:
        page = parse_origin(origin.split(",")[0])
        return page is None or page != url_origin   # "null" is cross-origin to anything
    mode = header_value(headers, "Sec-Fetch-Mode")
    if raw.get("_resourceType") not in SCRIPT_RESOURCE_TYPES and mode != "cors":
        return False
    referer = header_value(headers, "Referer")
    page = _url_origin(referer) or pages.get(str(raw.get("pageref")))
    return page is not None and page != url_origin


def _case(path: str, entries: list[Any], index: int, pages: dict[str, str]) -> HarCase:
    raw = entries[index]
    request = _request(path, raw, index)
    where = _where(path, index)
    method = check_method(request["method"], where)
    url = check_url(request["url"], _where(path, index, "request.url"))
    headers = _headers(path, index, "request", request.get("headers"))
    cookies = bool(request.get("cookies"))
    notes: list[str] = []
    body = _request_body(request, notes)
    if body is not None and method.upper() in ("GET", "HEAD"):
        notes.append(f"a {method.upper()} request with a recorded body: the body is dropped (fetch cannot send it)")
        body = None
    parsed = build_request(url=url, method=method, headers=headers, body=body, cookies=cookies,
                           what=where, origin_hint=pages.get(str(raw.get("pageref"))))
    case_notes: list[str] = notes
    response = _response(path, index, raw.get("response"), case_notes)
    preflight_index = _find_preflight(path, entries, index, request)
    preflight = None
    if preflight_index is not None:
        preflight = _response(path, preflight_index, entries[preflight_index].get("response"), [])
        case_notes.append(f"preflight recorded in log.entries[{preflight_index}]: replayed as recorded")
    case = HarCase(index=index, request=parsed, recorded_response=response, recorded_preflight=preflight,
                   preflight_index=preflight_index if preflight else None, notes=case_notes)
    if case.preflight_assumed:
        case_notes.append(_assumption_note(parsed, response is not None))
    return case


def _request_body(request: dict[str, Any], notes: list[str]) -> str | None:
    post = request.get("postData")
    if isinstance(post, dict):
        if isinstance(post.get("text"), str):
            return str(post["text"])
        params = post.get("params")
        if isinstance(params, list) and params:
            notes.append("the HAR has the request body only as form params; replay sends no body")
            return None
    size = request.get("bodySize")
    if isinstance(size, int) and size > 0:
        notes.append(f"the HAR omits the request body ({size} bytes): none is sent (CORS does not look "
                     f"at it; Content-Type is kept); use --data to send it")
    return None


def _response(path: str, index: int, raw: Any, notes: list[str]) -> RecordedResponse | None:
    if not isinstance(raw, dict):
        raise BadInput(f"{_where(path, index, 'response')}: missing or not an object")
    status = raw.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status > 599:
        raise BadInput(f"{_where(path, index, 'response.status')}: must be an HTTP status code")
    headers = _headers(path, index, "response", raw.get("headers"))
    if status < 100:
        failure = raw.get("_failureText") or raw.get("_error") or ""
        notes.append(f"no response recorded (status {status}{', ' + failure if failure else ''}): the "
                     f"browser blocked or failed the request before a response was recorded (Chromium "
                     f"records CORS-blocked and preflight-failed requests this way); replay has nothing "
                     f"to serve: use --live, or record the HAR in Firefox")
        return None
    for name, value in headers:
        if not name or any(c in value for c in "\r\n\0"):
            raise BadInput(f"{_where(path, index, 'response.headers')}: {name!r}: an empty name or a "
                           f"line break in the value")
    content = raw.get("content") if isinstance(raw.get("content"), dict) else {}
    body = ""
    text = content.get("text")
    if isinstance(text, str):
        if content.get("encoding") == "base64":
            try:
                data = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise BadInput(f"{_where(path, index, 'response.content.text')}: invalid base64") from None
            try:
                body = data.decode("utf-8")
            except UnicodeDecodeError:
                body = data.decode("utf-8", errors="replace")
                notes.append("the recorded response body is binary: replayed approximately (as UTF-8)")
        else:
            body = text
    elif isinstance(content.get("size"), int) and content["size"] > 0:
        notes.append("the HAR omits the response body: replay sends an empty one (CORS does not look at it)")
    return RecordedResponse(status=status, headers=headers, body=body,
                            status_text=str(raw.get("statusText") or ""))


def _find_preflight(path: str, entries: list[Any], index: int, request: dict[str, Any]) -> int | None:
    """The last OPTIONS preflight to the same URL for this method, started no
    later than the request."""
    started = entries[index].get("startedDateTime") if isinstance(entries[index], dict) else None
    found = None
    for i, raw in enumerate(entries):
        if i == index or not isinstance(raw, dict):
            continue
        other = _request(path, raw, i)
        if other["url"] != request["url"] or not _is_preflight(path, i, other, raw.get("_resourceType")):
            continue
        asked = header_value(_headers(path, i, "request", other.get("headers")), oracle.REQUEST_METHOD)
        if asked is not None and asked.strip() != request["method"]:
            continue
        when = raw.get("startedDateTime")
        if isinstance(started, str) and isinstance(when, str) and when > started:
            continue                   # ISO 8601 in one time zone sorts as text
        found = i
    return found


def _assumption_note(request: ParsedRequest, responded: bool) -> str:
    names = oracle.unsafe_request_header_names(request.headers)
    assumed = ASSUMED_PREFLIGHT.format(
        method=oracle.normalize_method(request.method),
        headers=f", Access-Control-Allow-Headers {','.join(names)}" if names else "",
        credentials=", Access-Control-Allow-Credentials true" if request.credentials == "include" else "")
    if responded:
        return ("the HAR has no preflight (browsers leave preflights out of HAR files); the browser sent "
                "the actual request, which it does only after a preflight passes, so replay assumes "
                f"{assumed}; the recorded actual response decides the verdict")
    return ("the HAR has no preflight (browsers leave preflights out of HAR files) and no response: "
            "the preflight may be what failed, which a HAR cannot show; use --live")
