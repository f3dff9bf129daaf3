"""Parse a curl command as the browsers' DevTools "Copy as cURL" writes it.

Both POSIX (bash) flavours are understood:

* Chromium: ``curl 'URL' \\`` then one ``-H 'name: value'`` per line (lower-case
  names over HTTP/2), cookies as ``-b 'a=b'`` (newer versions) or a cookie
  header, ``-X 'PUT'`` only when the method is not implied, ``--data-raw`` for
  a body, sometimes ``--compressed``/``--insecure``; a value with a quote, a
  control character or ``!`` in ANSI-C quoting ``$'...\\u0021...'``; ``[]{}``
  in the URL escaped with a backslash (curl's globbing).
* Firefox: ``-X POST`` (unquoted), ``-H 'Name: value'`` (capitalised),
  ``--data-raw``, ``--compressed``, ``--globoff``; ANSI-C quoting with ``\\xHH``
  for other bytes.

Also ``--data``/``-d``, ``--data-binary``, ``--data-ascii``, ``--url``,
``-I``/``--head``, ``-A``, ``-e`` and the output-only flags (``-i -s -S -k -L -v
--http2 --location`` ...). Anything else is refused, naming the option: a
silently ignored option could change the request being reproduced.

The Windows flavours (``Copy as cURL (cmd)``, PowerShell) are refused with a
hint to copy the bash one.
"""
from __future__ import annotations

import re

from e2e.errors import BadInput
from e2e.exchange import redact_url
from e2e.scenarios import split_url
from e2e.repro.request import ParsedRequest, build_request, check_method, check_url

WHAT = "curl command"

# option -> what its value sets; every one takes a value.
_VALUE_OPTIONS = {
    "-H": "header", "--header": "header",
    "-X": "method", "--request": "method",
    "-d": "data", "--data": "data", "--data-ascii": "data", "--data-binary": "data",
    "--data-raw": "data-raw",
    "-b": "cookie", "--cookie": "cookie",
    "--url": "url",
    "-A": "user-agent", "--user-agent": "user-agent",
    "-e": "referer", "--referer": "referer",
}
# Flags that change how curl shows or transports the exchange, never the
# request a page makes.
_IGNORED_FLAGS = frozenset({
    "--compressed", "-i", "--include", "-s", "--silent", "-S", "--show-error", "-k", "--insecure",
    "-L", "--location", "--http2", "--http2-prior-knowledge", "--http1.1", "-v", "--verbose",
    "-g", "--globoff", "--no-buffer", "-N",
})
_HEAD_FLAGS = frozenset({"-I", "--head"})
_SHELL_OPERATORS = frozenset({"|", "||", "&", "&&", ";", ">", ">>", "<", "2>", "2>&1"})
_GLOB_ESCAPE = re.compile(r"\\([\[\]{}])")


def parse_curl(command: str) -> ParsedRequest:
    """Parse one curl command line into the request a page would make.

    Raises :class:`~e2e.errors.BadInput` (one line) for anything not understood."""
    if re.search(r"\^\r?\n|\^\"", command) or "`\n" in command:
        raise BadInput(f"{WHAT}: this looks like the Windows 'Copy as cURL (cmd)' or PowerShell flavour; "
                       f"copy it as cURL (bash) instead")
    words = shell_words(command)
    if not words:
        raise BadInput(f"{WHAT}: empty")
    if words[0].rsplit("/", 1)[-1] not in ("curl", "curl.exe"):
        raise BadInput(f"{WHAT}: must start with curl, not {words[0]!r}")

    urls: list[str] = []
    method: str | None = None
    head = False
    globoff = False
    data: list[str] = []
    headers: list[tuple[str, str]] = []
    cookies = False
    notes: list[str] = []

    def take(kind: str, value: str, option: str) -> None:
        nonlocal method, cookies
        if kind == "header":
            header = _parse_header(value, option)
            if header is not None:
                headers.append(header)
        elif kind == "method":
            method = value
        elif kind == "data" and value.startswith("@"):
            raise BadInput(f"{WHAT}: {option} {value}: reading the body from a file is not supported; "
                           f"paste the body with --data-raw")
        elif kind in ("data", "data-raw"):
            data.append(value)
        elif kind == "cookie":
            cookies = True
            if "=" not in value:
                notes.append(f"{option} {value}: a cookie file, not read")
        elif kind == "url":
            urls.append(value)
        elif kind == "user-agent":
            headers.append(("User-Agent", value))
        elif kind == "referer":
            headers.append(("Referer", value))

    i = 1
    while i < len(words):
        word = words[i]
        i += 1
        if word in _SHELL_OPERATORS:
            raise BadInput(f"{WHAT}: shell operator {word!r}: paste only the curl command")
        if word == "--":
            urls.extend(words[i:])
            break
        if word.startswith("--"):
            if word in _VALUE_OPTIONS:
                if i >= len(words):
                    raise BadInput(f"{WHAT}: {word} needs a value")
                take(_VALUE_OPTIONS[word], words[i], word)
                i += 1
            elif word in _HEAD_FLAGS:
                head = True
            elif word in _IGNORED_FLAGS:
                globoff = globoff or word == "--globoff"
            else:
                raise BadInput(f"{WHAT}: unsupported option {word}")
        elif word.startswith("-") and len(word) > 1:
            # Short options, possibly bundled (-sSL) or with the value attached (-XPOST).
            j = 1
            while j < len(word):
                option = "-" + word[j]
                j += 1
                if option in _VALUE_OPTIONS:
                    if j < len(word):
                        value = word[j:]
                    elif i < len(words):
                        value = words[i]
                        i += 1
                    else:
                        raise BadInput(f"{WHAT}: {option} needs a value")
                    take(_VALUE_OPTIONS[option], value, option)
                    break
                if option in _HEAD_FLAGS:
                    head = True
                elif option in _IGNORED_FLAGS:
                    globoff = globoff or option == "-g"
                else:
                    raise BadInput(f"{WHAT}: unsupported option {option}")
        else:
            urls.append(word)

    if not urls:
        raise BadInput(f"{WHAT}: no URL")
    if len(urls) > 1:
        raise BadInput(f"{WHAT}: more than one URL ({redact_url(urls[0])!r}, {redact_url(urls[1])!r}); "
                       f"repro takes one request")
    url = urls[0] if globoff else _GLOB_ESCAPE.sub(r"\1", urls[0])
    parts = split_url(url)
    if parts is not None and not parts.scheme:
        raise BadInput(f"{WHAT}: {redact_url(url)!r} has no scheme; give the full http(s) URL")
    url = check_url(url, WHAT)

    body = "&".join(data) if data else None   # curl joins several -d with &
    if method is None:
        method = "HEAD" if head else ("POST" if body is not None else "GET")
    check_method(method, WHAT)
    if body is not None and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        notes.append("no Content-Type with a body: application/x-www-form-urlencoded, as curl sends")
    return build_request(url=url, method=method, headers=headers, body=body, cookies=cookies,
                         what=WHAT, notes=notes)


def _parse_header(value: str, option: str) -> tuple[str, str] | None:
    """curl's -H: ``Name: value``; ``Name;`` is an empty header (Chromium writes
    that for empty values); ``Name:`` with nothing after it only removes one of
    curl's own headers, so it is no header at all."""
    name, colon, rest = value.partition(":")
    if colon:
        if not rest.strip():
            return None
        return name.strip(), rest.strip(" \t")
    if value.endswith(";") and ":" not in value:
        return value[:-1].strip(), ""
    # The value is not echoed: a line without its "Name:" may be a bare token.
    raise BadInput(f"{WHAT}: a {option} header is not 'Name: value' (nor 'Name;' for an empty one)")


# --- the shell's word splitting, for what DevTools emits --------------------------
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


class _Word:
    """One word being built. ``raw`` holds the bytes bash would pass to curl;
    ``text`` the same with ``\\xHH`` read as the character U+00HH, which is what
    Firefox means by it (it writes any character below 256 that way). The bytes
    win when they are valid UTF-8."""

    def __init__(self) -> None:
        self.raw = bytearray()
        self.text: list[str] = []
        self.started = False

    def add(self, chars: str) -> None:
        self.started = True
        self.raw += chars.encode("utf-8", errors="surrogatepass")
        self.text.append(chars)

    def add_byte(self, value: int) -> None:
        self.started = True
        self.raw.append(value)
        self.text.append(chr(value))

    def value(self) -> str:
        try:
            return self.raw.decode("utf-8")
        except UnicodeDecodeError:
            return "".join(self.text)


def shell_words(text: str) -> list[str]:
    """Split a POSIX shell command line into words: quotes ('...', "...",
    $'...'), backslash escapes and backslash-newline continuations. No
    expansion is done (DevTools never relies on any)."""
    words: list[str] = []
    word = _Word()
    i, n = 0, len(text)

    def end_word() -> None:
        nonlocal word
        if word.started:
            words.append(word.value())
        word = _Word()

    while i < n:
        c = text[i]
        if c in " \t\r\n":
            end_word()
            i += 1
        elif c == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2                        # line continuation
            elif i + 2 < n and text[i + 1] == "\r" and text[i + 2] == "\n":
                i += 3
            elif i + 1 < n:
                word.add(text[i + 1])
                i += 2
            else:
                i += 1
        elif c == "'":
            close = text.find("'", i + 1)
            if close < 0:
                raise BadInput(f"{WHAT}: unterminated ' quote")
            word.add(text[i + 1:close])
            word.started = True
            i = close + 1
        elif c == "$" and i + 1 < n and text[i + 1] == "'":
            i = _ansi_c(text, i + 2, word)
        elif c == '"' or (c == "$" and i + 1 < n and text[i + 1] == '"'):
            i = _double_quoted(text, i + (2 if c == "$" else 1), word)
        elif c == "#" and not word.started:
            nl = text.find("\n", i)
            i = n if nl < 0 else nl            # a comment
        else:
            word.add(c)
            i += 1
    end_word()
    return words


def _double_quoted(text: str, i: int, word: _Word) -> int:
    word.started = True
    while i < len(text):
        c = text[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < len(text) and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":
                word.add(text[i + 1])
            i += 2
            continue
        word.add(c)
        i += 1
    raise BadInput(f'{WHAT}: unterminated " quote')


def _ansi_c(text: str, i: int, word: _Word) -> int:
    """Bash's $'...' quoting, from just after the opening quote."""
    word.started = True
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            return i + 1
        if c != "\\" or i + 1 >= n:
            word.add(c)
            i += 1
            continue
        e = text[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            word.add(_SIMPLE_ESCAPES[e])
        elif e in "01234567":
            digits = _run(text, i - 1, "01234567", 3)
            word.add_byte(int(digits, 8) & 0xFF)
            i += len(digits) - 1
        elif e in "xuU":
            limit = {"x": 2, "u": 4, "U": 8}[e]
            digits = _run(text, i, "0123456789abcdefABCDEF", limit)
            if not digits:
                word.add("\\" + e)
                continue
            i += len(digits)
            code = int(digits, 16)
            if e == "x":
                word.add_byte(code)
            elif code > 0x10FFFF:
                raise BadInput(f"{WHAT}: \\{e}{digits} is not a character")
            else:
                word.add(chr(code))
        elif e == "c" and i < n:
            word.add(chr(ord(text[i]) & 0x1F))
            i += 1
        else:
            word.add("\\" + e)
    raise BadInput(f"{WHAT}: unterminated $' quote")


def _run(text: str, start: int, allowed: str, limit: int) -> str:
    end = start
    while end < len(text) and end - start < limit and text[end] in allowed:
        end += 1
    return text[start:end]
