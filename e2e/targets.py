"""What a scenario file's requests go to, as objects: the local gateway (with
fixture APIs or definition files, or a template's APIs), the scripted server,
or a deployed API by URL. Each answers the same questions:
its base URL for a scenario, what kind of server answers (rest, http,
scripted, remote), its evidence for a cell's token (the exchanges it logged, or
None when it keeps no log we can read) and close. Replay and the in-page reach
check are the deployed target's: only there is the server's log out of reach.
"""
from __future__ import annotations

from pathlib import Path

from e2e.engines.base import ProbeSpec
from e2e.errors import BadInput
from e2e.exchange import REACH_PARAM, Exchange
from e2e.replay import replay
from e2e.scenarios import TEMPLATE_API, Scenario, ScenarioFile


class Target:
    has_log = True   # whether the target's own record of each exchange can be read

    def base_url(self, scenario: Scenario) -> str:
        raise NotImplementedError

    def kind(self, scenario: Scenario) -> str:
        """rest | http | scripted | remote: what answers this scenario's requests."""
        raise NotImplementedError

    def evidence(self, token: str, *, settle_s: float = 0.0) -> list[Exchange] | None:
        """What the target recorded for a cell (its CELL_PARAM token); None when
        it keeps no log. With settle_s, wait up to that long for the first
        exchange, woken as it is logged (no polling)."""
        return None

    def forget(self, *tokens: str) -> None:
        """A settled cell's exchanges may leave the log's index (bounded memory)."""

    def reach_url(self, url: str) -> str | None:
        """The URL a page asks (no-cors) after a rejected fetch to learn whether
        the server was there; None where the target's log already says."""
        return None

    def replay(self, spec: ProbeSpec, page_origin: str) -> list[Exchange]:
        """The cell's requests sent again from outside the browser, for a target without a log."""
        return []

    def close(self) -> None:
        pass


class LocalGatewayTarget(Target):
    """The fixture APIs (or your own definition files) each scenario names, on the local gateway."""

    def __init__(self, sfile: ScenarioFile, target: str, allowed_origin: str) -> None:
        from e2e.gateway import ApiDefinitionError, LocalGateway
        from e2e.gateway.model import RestApi

        self.sfile = sfile
        self._allowed_origin = allowed_origin
        self._gateway = LocalGateway()
        self._urls: dict[str, str] = {}
        self._kinds: dict[str, str] = {}
        try:
            for name in sorted({s.api for s in sfile.scenarios if s.api}):
                try:
                    definition = self.definition(name)
                except ApiDefinitionError as exc:
                    raise BadInput(f"{sfile.path}: {self.shown(name)}: {exc}") from None
                kind = "rest" if isinstance(definition, RestApi) else "http"
                wanted = {"local-rest": "rest", "local-http": "http"}.get(target)
                if wanted and kind != wanted:
                    raise BadInput(f"{sfile.path}: api {name} is {'a REST' if kind == 'rest' else 'an HTTP'} "
                                   f"API but the target is {target}; use target local (either kind) "
                                   f"or local-{kind}")
                self._kinds[name] = kind
                self._urls[name] = self._gateway.add(definition).base_url
        except BaseException:
            self._gateway.close()
            raise

    def definition(self, name: str):  # noqa: ANN201 - an e2e.gateway.model.Api
        """The API a scenario's ``api:`` names: a fixture API, or a definition
        file's path relative to the scenario file, wherever the run starts."""
        from e2e.gateway import load_api

        where = name
        if name.endswith((".yaml", ".yml")) and not Path(name).is_absolute():
            where = str(Path(self.sfile.path).resolve().parent / name)
        return load_api(where, variables={"allowed_origin": self._allowed_origin})

    def shown(self, name: str) -> str:
        return f"api {name}"

    def base_url(self, scenario: Scenario) -> str:
        return self._urls[scenario.api or ""]

    def kind(self, scenario: Scenario) -> str:
        return self._kinds[scenario.api or ""]

    def evidence(self, token: str, *, settle_s: float = 0.0) -> list[Exchange] | None:
        return self._gateway.log.wait_for(token, settle_s)

    def forget(self, *tokens: str) -> None:
        self._gateway.log.forget(*tokens)

    def close(self) -> None:
        self._gateway.close()


class TemplateTarget(LocalGatewayTarget):
    """Your own stack (the scenario file's ``template:``: CloudFormation, SAM or
    a cdk.out), its APIs served by the local gateway."""

    def definition(self, name: str):  # noqa: ANN201 - an e2e.gateway.model.Api
        """The API a scenario calls in the template: its only API, or the logical id in ``api:``."""
        from e2e.templates import load_template

        ref = self.sfile.template
        assert ref is not None
        return load_template(ref.path, stack=ref.stack, api=None if name == TEMPLATE_API else name,
                             parameters=dict(ref.parameters)).api

    def shown(self, name: str) -> str:
        return "template"


class ScriptedTarget(Target):
    """The scripted server answering each scenario's ``respond``."""

    def __init__(self, sfile: ScenarioFile) -> None:
        from e2e.scripted import ScriptedServer

        self._server = ScriptedServer()  # listening from construction
        self._prefix: dict[str, str] = {}
        for index, scenario in enumerate(sfile.scenarios):
            # Each scenario gets its own path prefix so two scenarios may script
            # the same path differently.
            prefix = f"/s{index}"
            self._prefix[scenario.name] = prefix
            self._server.script(prefix + scenario.path.split("?")[0], scenario.respond)

    def base_url(self, scenario: Scenario) -> str:
        return self._server.base_url + self._prefix[scenario.name]

    def kind(self, scenario: Scenario) -> str:
        return "scripted"

    def evidence(self, token: str, *, settle_s: float = 0.0) -> list[Exchange] | None:
        return self._server.log.wait_for(token, settle_s)

    def forget(self, *tokens: str) -> None:
        self._server.log.forget(*tokens)

    def close(self) -> None:
        self._server.close()


class DeployedTarget(Target):
    """An API reached by its URL (deployed on AWS, or any server): its log is
    out of reach, so a rejected fetch is told from an unreachable server by
    the page's reach check, and a block is explained from a replay."""

    has_log = False

    def __init__(self, url: str) -> None:
        self.url = url

    def base_url(self, scenario: Scenario) -> str:
        return self.url

    def kind(self, scenario: Scenario) -> str:
        return "remote"

    def reach_url(self, url: str) -> str | None:
        return f"{url}{'&' if '?' in url else '?'}{REACH_PARAM}=1"

    def replay(self, spec: ProbeSpec, page_origin: str) -> list[Exchange]:
        return replay(spec, page_origin)
