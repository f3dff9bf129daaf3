"""Pages served at any origin, for real: ``https://app.example.com`` in the
page's ``location.origin`` and in the ``Origin`` header the browser sends.

The stub app is served on loopback over plain HTTP and over HTTPS with a
certificate for every impersonated name, issued by a throwaway CA made for
this run (trustme). Each engine is pointed at it its own way:

- Chromium: ``--host-resolver-rules`` maps exactly the impersonated
  host:port pairs to the local servers.
- Firefox (a PAC script in its prefs; its BiDi backend ignores Playwright's
  ``proxy=``) and WebKitGTK (MiniBrowser's ``--proxy``): a local proxy that
  tunnels only the impersonated names to the local servers and connects
  everything else to its real address. Firefox's PAC script sends only the
  impersonated host:port pairs to it (``http://localhost:3000`` included), so
  the API is always reached at its real address, never intercepted.

The browser contexts accept the throwaway CA's certificates (Playwright's
``ignore_https_errors``, WebDriver's ``acceptInsecureCerts``).
"""
from __future__ import annotations

import json
import os
import re
import selectors
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.serving import BaseWSGIServer, make_server

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Impersonated:
    origin: str
    scheme: str
    host: str
    port: int


def parse_origin(origin: str) -> Impersonated:
    parts = urlsplit(origin)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Impersonated(origin.rstrip("/"), parts.scheme, parts.hostname or "", port)


@dataclass
class OriginServer:
    """Serves a WSGI app at the given origins; use as a context manager."""

    app: Any
    origins: list[str]
    _servers: list[BaseWSGIServer] = field(default_factory=list)
    _proxy: "_TunnelProxy | None" = None
    http_port: int | None = None
    https_port: int | None = None
    _tmp: Any = None
    _ca: Any = None
    _fronts: dict[int, "_TlsFront"] = field(default_factory=dict)
    # Engines run in threads and ask for fronts at the same moment.
    _fronts_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.mapped = [parse_origin(o) for o in self.origins]

    def start(self) -> "OriginServer":
        import trustme

        if any(m.scheme == "http" for m in self.mapped):
            self.http_port = self._serve(None)
        https_names = sorted({m.host for m in self.mapped if m.scheme == "https"})
        if https_names:
            self._ca = trustme.CA()
            self._tmp = tempfile.TemporaryDirectory(prefix="cors-e2e-tls-")
            self.https_port = self._serve(self._tls_context(*https_names))
        self._proxy = _TunnelProxy(self.local_address)
        self._proxy.start()
        return self

    def _tls_context(self, *names: str) -> ssl.SSLContext:
        """A server context with a certificate for names, from this run's CA.

        A name a certificate cannot hold (app.example.com_.evil.example: the
        hosts a lax origin check is probed with) is left out; it is served all
        the same, since the engines accept this run's certificates whatever
        their names (see the module doc)."""
        cert = self._ca.issue_cert(*([n for n in names if _certifiable(n)] or [LOOPBACK]))
        # A file of its own for every certificate: ssl loads a chain from a path only.
        fd, path = tempfile.mkstemp(dir=self._tmp.name, suffix="-chain.pem")
        os.close(fd)
        cert.private_key_and_cert_chain_pem.write_to_path(path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(path)
        return context

    @property
    def serves_https(self) -> bool:
        return self.https_port is not None

    def https_front(self, port: int) -> str:
        """An https:// address on loopback for a plain-HTTP server on port.

        An https page may not call plain http in every engine (WebKitGTK blocks
        http://127.0.0.1 from an https page as mixed content), so such pages
        call the local API through this TLS front instead; the API behind it
        is unchanged and still logs every exchange."""
        with self._fronts_lock:
            if port not in self._fronts:
                front = _TlsFront(self._tls_context(LOOPBACK), port)
                front.start()
                self._fronts[port] = front
            return f"https://{LOOPBACK}:{self._fronts[port].port}"

    def _serve(self, context: ssl.SSLContext | None) -> int:
        from frontend_stub.app import _QuietHandler

        server = make_server(LOOPBACK, 0, self.app, threaded=True, ssl_context=context,
                             request_handler=_QuietHandler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},  # a quick close
                         name="origin-server", daemon=True).start()
        self._servers.append(server)
        return server.server_port

    def local_address(self, host: str, port: int) -> tuple[str, int] | None:
        """Where an impersonated host:port really is, or None when it is not ours."""
        for m in self.mapped:
            if m.host == host.lower() and m.port == port:
                local = self.https_port if m.scheme == "https" else self.http_port
                return (LOOPBACK, local) if local else None
        return None

    # -- what each engine needs ------------------------------------------------
    def chromium_args(self) -> list[str]:
        rules = []
        for m in self.mapped:
            local = self.https_port if m.scheme == "https" else self.http_port
            rules.append(f"MAP {m.host}:{m.port} {LOOPBACK}:{local}")
        return [f"--host-resolver-rules={', '.join(rules)}"] if rules else []

    @property
    def proxy_url(self) -> str:
        assert self._proxy is not None
        return f"http://{LOOPBACK}:{self._proxy.port}"

    def firefox_prefs(self) -> dict[str, Any]:
        """A PAC script that sends exactly the impersonated host:port pairs to
        the tunnel proxy and everything else direct, like Chromium's rules.

        Firefox never proxies localhost or 127.0.0.1 unless
        network.proxy.allow_hijacking_localhost is set, so an impersonated
        http://localhost:3000 went direct to a port nobody listens on (BiDi's
        "browsingContext.navigate: unknown error"). With the PAC script the
        hijacking is allowed for the mapped pairs only: the API and the stub,
        on other loopback ports, are still reached direct."""
        assert self._proxy is not None
        return {"network.proxy.type": 2,
                "network.proxy.autoconfig_url": "data:application/x-ns-proxy-autoconfig,"
                                                + quote(self._pac_script()),
                "network.proxy.allow_hijacking_localhost": True}

    def _pac_script(self) -> str:
        assert self._proxy is not None
        pairs = json.dumps(sorted({f"{m.host}:{m.port}" for m in self.mapped}))
        # url is "scheme://host[:port]/..." (https: path stripped); host may be [v6].
        return ("var MAPPED = " + pairs + ";\n"
                "function FindProxyForURL(url, host) {\n"
                "  var m = /^([a-z][a-z0-9+.-]*):\\/\\/(?:[^@\\/]*@)?(\\[[^\\]]*\\]|[^\\/:?#]*)(?::(\\d+))?/i.exec(url);\n"
                "  if (!m) return 'DIRECT';\n"
                "  var scheme = m[1].toLowerCase();\n"
                "  var port = m[3] || ((scheme == 'https' || scheme == 'wss') ? '443' : '80');\n"
                "  var key = m[2].toLowerCase() + ':' + port;\n"
                f"  return MAPPED.indexOf(key) >= 0 ? 'PROXY {LOOPBACK}:{self._proxy.port}' : 'DIRECT';\n"
                "}\n")

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()
        if self._proxy is not None:
            self._proxy.close()
            self._proxy = None
        for front in self._fronts.values():
            front.close()
        self._fronts.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "OriginServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _certifiable(name: str) -> bool:
    """Whether a certificate surely can name this host: ASCII letters, digits,
    hyphens and dots (trustme refuses an underscore, a brace, a backtick)."""
    return re.fullmatch(r"[A-Za-z0-9.-]+", name) is not None


class _Listener:
    """Accepts connections on loopback and hands each to handle() on a thread."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind((LOOPBACK, 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._closed = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._accept, name=type(self).__name__, daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        try:
            self._sock.close()
        except OSError:
            pass

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            _no_delay(client)
            threading.Thread(target=self._guarded, args=(client,), daemon=True).start()

    def _guarded(self, client: socket.socket) -> None:
        try:
            self.handle(client)
        except (OSError, ValueError):
            pass
        finally:
            client.close()

    def handle(self, client: socket.socket) -> None:
        raise NotImplementedError


class _TlsFront(_Listener):
    """Terminates TLS on loopback and pipes the bytes to a plain-HTTP port."""

    def __init__(self, context: ssl.SSLContext, target_port: int) -> None:
        super().__init__()
        self._context = context
        self._target = target_port

    def handle(self, client: socket.socket) -> None:
        client.settimeout(30)
        tls = self._context.wrap_socket(client, server_side=True)
        try:
            upstream = _no_delay(socket.create_connection((LOOPBACK, self._target), timeout=30))
            _pipe(tls, upstream)
        finally:
            tls.close()


class _TunnelProxy(_Listener):
    """A small HTTP proxy: CONNECT tunnels and absolute-form requests, sending
    impersonated names to the local servers and everything else direct."""

    def __init__(self, local_address: Any) -> None:
        super().__init__()
        self._local = local_address

    def handle(self, client: socket.socket) -> None:
        # Whatever fails here must reach the browser as a network error, never
        # as an HTTP answer: a 502 of ours, having no CORS headers, would be
        # read as the API's reply and turn an unreachable API into a CORS block.
        # Only a failed CONNECT is answered (the browser sees a tunnel failure).
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        header_block, _, rest = head.partition(b"\r\n\r\n")
        lines = header_block.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            try:
                upstream = self._connect(host, int(port))
            except (OSError, ValueError):
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
        else:
            parts = urlsplit(target)
            upstream = self._connect(parts.hostname or "", parts.port or 80)  # failing: the connection drops
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            # One request per connection: a kept-alive connection would pass the
            # next absolute-form request upstream unrewritten.
            kept = [line for line in lines[1:]
                    if not line.lower().startswith(("proxy-", "connection:", "keep-alive:"))]
            kept.append("Connection: close")
            upstream.sendall(f"{method} {path} {version}\r\n".encode("latin-1")
                             + "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + rest)
        _pipe(client, upstream)

    def _connect(self, host: str, port: int) -> socket.socket:
        address = self._local(host, port) or (host, port)
        return _no_delay(socket.create_connection(address, timeout=30))


def _no_delay(sock: socket.socket) -> socket.socket:
    """Each piped chunk leaves at once. With Nagle's algorithm a response's
    second write (the body after the headers) waits for the peer's delayed ACK,
    about 40 ms on loopback: every https cell paid it."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    return sock


def _pipe(a: socket.socket, b: socket.socket) -> None:
    # A selector (epoll), not select.select: three engines' pages, fronts and
    # Lambda workers take this process past 1024 file descriptors, where
    # select() fails ("filedescriptor out of range") and the browser saw a
    # reset connection, a network error instead of a verdict.
    with selectors.DefaultSelector() as selector:
        try:
            selector.register(a, selectors.EVENT_READ)
            selector.register(b, selectors.EVENT_READ)
            while True:
                ready = selector.select(60)
                if not ready:
                    return
                for key, _ in ready:
                    s = key.fileobj
                    data = s.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        finally:
            b.close()
