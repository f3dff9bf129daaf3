"""What a run talks to besides the browsers: the stub frontend (the pages'
origins, impersonated ones through e2e.origins) and the target API, an object
of e2e.targets (the local gateway, the scripted server, or a deployed API by
URL) that gives base URLs and its record of each cell's exchanges.
"""
from __future__ import annotations

import hashlib
import uuid
from urllib.parse import quote, urlsplit

from dataclasses import replace

from e2e.engines import EngineOptions
from e2e.origins import OriginServer
from e2e.exchange import CELL_PARAM, GROUP_PARAM, Exchange
from e2e.scenarios import (LOCAL_TARGETS, SCRIPTED_TARGET, STUB_ALLOWED, STUB_DENIED, STUB_PUBLIC, STUB_SPECS, Origin,
                           Scenario, ScenarioFile)
from e2e.targets import DeployedTarget, LocalGatewayTarget, ScriptedTarget, Target, TemplateTarget
from frontend_stub.app import StubFrontend


class Environment:
    """Starts what a scenario file needs; use as a context manager. Thread-safe
    once started: engine threads call page_url/request_url/exchanges."""

    def __init__(self, sfile: ScenarioFile, target: str | None = None) -> None:
        self.sfile = sfile
        # Checked once, by choose_target (MatrixRun, the plugin); a file's own
        # target was checked when it was loaded.
        self.target = target or sfile.target
        self.stub: StubFrontend | None = None
        self._origin_server: OriginServer | None = None
        self.impersonated = sorted({o.spec for o in sfile.origins if o.spec not in STUB_SPECS})
        self._public_stub: StubFrontend | None = None   # the page Chromium counts as public
        self.api: Target | None = None
        self._run_id = uuid.uuid4().hex

    # -- life cycle ----------------------------------------------------------
    def start(self) -> "Environment":
        try:
            self.stub = StubFrontend().start()
            if any(o.spec == STUB_PUBLIC for o in self.sfile.origins):
                # Its own port, so only this page's address is overridden to public.
                self._public_stub = StubFrontend(allowed_host="127.0.0.1").start()
            if self.impersonated:
                from frontend_stub.app import create_app

                self._origin_server = OriginServer(create_app(), self.impersonated).start()
            if self.target in LOCAL_TARGETS:
                kind = LocalGatewayTarget if self.sfile.template is None else TemplateTarget
                self.api = kind(self.sfile, self.target, self.stub.allowed_origin)
            elif self.target == SCRIPTED_TARGET:
                self.api = ScriptedTarget(self.sfile)
            else:
                self.api = DeployedTarget(self.target)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        for closer in (self.api, self._origin_server, self.stub, self._public_stub):
            if closer is not None:
                try:
                    closer.close()
                except Exception:  # noqa: BLE001 - tear everything down whatever fails
                    pass
        self.api = self._origin_server = self.stub = self._public_stub = None

    def __enter__(self) -> "Environment":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- addresses -------------------------------------------------------------
    def origin(self, origin: Origin) -> str:
        assert self.stub is not None
        if origin.spec == STUB_ALLOWED:
            return self.stub.allowed_origin
        if origin.spec == STUB_DENIED:
            return self.stub.denied_origin
        if origin.spec == STUB_PUBLIC:
            assert self._public_stub is not None
            return self._public_stub.allowed_origin
        return origin.spec  # served for real by the origin server (e2e.origins)

    def engine_options(self, base: EngineOptions) -> EngineOptions:
        """The engines' options plus what impersonated origins and the public
        page need at launch."""
        if self._public_stub is not None:
            # Chromium's switch for an address's IP address space (what Local
            # Network Access checks): the public page's address:port is public.
            address = self._public_stub.allowed_origin.split("://", 1)[1]
            base = replace(base, chromium_args=[*base.chromium_args,
                                                f"--ip-address-space-overrides={address}=public"])
        if self._origin_server is None:
            return base
        server = self._origin_server
        return replace(base, ignore_https_errors=True, chromium_args=[*base.chromium_args, *server.chromium_args()],
                       firefox_prefs=server.firefox_prefs(), webkit_proxy=server.proxy_url,
                       webkit_args=[f"--proxy={server.proxy_url}", "--ignore-tls-errors",
                                    # loopback (the API, the stub) never goes through the proxy
                                    "--ignore-host=localhost,127.0.0.1,::1"])

    def page_url(self, origin: Origin) -> str:
        return self.origin(origin) + origin.page

    def target_kind(self, scenario: Scenario) -> str:
        """rest | http | scripted | remote: what answers this scenario's requests."""
        assert self.api is not None
        return self.api.kind(scenario)

    def base_url(self, scenario: Scenario, page_origin: str | None = None) -> str:
        assert self.api is not None
        base = self.api.base_url(scenario)
        if isinstance(self.api, DeployedTarget):
            return base
        if page_origin and page_origin.startswith("https:") and self._origin_server is not None:
            # An https page calls the local server through a TLS front (no mixed content).
            parts = urlsplit(base)
            base = self._origin_server.https_front(parts.port or 80) + parts.path
        return base

    def request_url(self, scenario: Scenario, token: str, page_origin: str | None = None,
                    group: str | None = None) -> str:
        """The scenario's URL, tagged with the cell's token (see CELL_PARAM)
        and, for an ordered group's cell, the group's (GROUP_PARAM)."""
        url = self.base_url(scenario, page_origin) + scenario.path
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}{CELL_PARAM}={quote(token)}"
        return f"{url}&{GROUP_PARAM}={quote(group)}" if group else url

    def group_token(self, unit: str) -> str:
        """One token per ordered group per engine per run: the same for the
        group's cells, never the same for another run's."""
        return hashlib.sha1(f"{self._run_id}|{unit}".encode()).hexdigest()[:16]

    # -- the servers' record -------------------------------------------------------
    @property
    def has_server_log(self) -> bool:
        return self.api is not None and self.api.has_log

    def exchanges(self, token: str, *, settle_s: float = 0.0) -> list[Exchange] | None:
        """What the server recorded for a cell, or None for a deployed API.
        With settle_s, wait up to that long for the first exchange (woken as it
        is logged, no polling): the server logs it as it writes the response."""
        assert self.api is not None
        return self.api.evidence(token, settle_s=settle_s)

    def forget(self, *tokens: str) -> None:
        """A settled cell's exchanges leave the index, so a long run's memory stays flat."""
        if self.api is not None:
            self.api.forget(*tokens)
