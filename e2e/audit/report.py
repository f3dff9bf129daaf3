"""An audit's reports for people: the text the command prints and a
self-contained HTML file (origins x engines, then the findings). Both are
built from the judgement only, which holds no header value, body or cookie."""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from e2e.audit.judge import (INCONCLUSIVE, NOT_READABLE, NOT_TRIED, READ_WITH_CREDENTIALS,
                             READ_WITHOUT_CREDENTIALS, AuditResult, OriginJudgement)

SHORT = {READ_WITH_CREDENTIALS: "READ+creds", READ_WITHOUT_CREDENTIALS: "read", NOT_READABLE: "no",
         INCONCLUSIVE: "??", NOT_TRIED: "-"}
LONG = {READ_WITH_CREDENTIALS: "readable with credentials", READ_WITHOUT_CREDENTIALS: "readable without credentials",
        NOT_READABLE: "not readable", INCONCLUSIVE: "inconclusive", NOT_TRIED: "not tried"}


def _engines(audit: AuditResult) -> list[str]:
    first = audit.judgements[0] if audit.judgements else None
    return list(first.engines) if first else []


def _row(j: OriginJudgement, engines: list[str], width: int) -> str:
    kind = "control" if j.hostile is None else j.hostile.bug_class
    cells = "  ".join(f"{e} {SHORT[j.engines[e].state]:<10}" for e in engines)
    return f"  {j.origin:<{width}}  {kind:<18}  {cells}"


def text_report(audit: AuditResult) -> str:
    engines = _engines(audit)
    lines = []
    for request in audit.plan.requests:
        mine = [j for j in audit.judgements if j.request == request]
        width = max(len(j.origin) for j in mine)
        lines.append(f"{request.name}: {len(audit.plan.hostiles)} hostile origins, "
                     f"{len(audit.plan.legit)} legitimate (control)")
        lines.extend(_row(j, engines, width) for j in mine)
    findings = audit.findings
    fixes: dict[str, int] = {}
    if findings:
        lines.append("findings:")
    for f in findings:
        d = f.to_json()
        lines.append(f"  {f.severity.upper()} {d['origin']} ({d['bug_class']}) {d['request']}: "
                     f"{'credentialed' if f.credentials else 'uncredentialed'} read in "
                     f"{', '.join(d['readable_in'])}")
        lines.append(f"    why: {d['why']}")
        if d["root_cause"] != d["bug_class"]:
            lines.append("    root cause: the unrelated site reads too: every origin is let in")
        if d["allow_origin"]:
            lines.append(f"    the API answered Access-Control-Allow-Origin: {d['allow_origin']}"
                         + (f", Allow-Credentials: {d['allow_credentials']}" if d["allow_credentials"] else ""))
        for name, why in {**d["not_readable_in"], **d["inconclusive_in"]}.items():
            lines.append(f"    {name}: {why}")
        cookies = {n: v for n, v in d["cookie_sent"].items() if v is not None}
        if cookies:
            lines.append("    session cookie sent: " + ", ".join(f"{n} {'yes' if v else 'no'}"
                                                                 for n, v in cookies.items()))
        lines.append(f"    fix: [{fixes.setdefault(d['fix'], len(fixes) + 1)}]")
    lines.extend(f"fix [{n}]: {fix}" for fix, n in fixes.items())
    for j in audit.judgements:
        for name, st in j.engines.items():
            if j.hostile is not None and st.state == INCONCLUSIVE:
                lines.append(f"inconclusive: {j.origin} in {name}: {st.reason}")
    lines.extend(f"warning: {w}" for w in audit.warnings() if not w.split(":")[0] in engines)
    for name, version in sorted(audit.run.engines.items()):
        lines.append(f"engine {name}: {version}")
    s = audit.summary()
    verdict = ("no hostile origin could read a response" if not findings
               else f"{s['findings']} finding(s): {s['high']} high, {s['medium']} medium, {s['low']} low")
    lines.append(f"audit: {verdict} ({s['hostile_origins']} hostile origins, {s['cells']} cells, "
                 f"{s['duration_s']:.1f} s)")
    return "\n".join(lines) + "\n"


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}
td.s-readable-with-credentials{background:#f4b4b4;font-weight:bold}td.s-readable-without-credentials{background:#fde2b0}
td.s-not-readable{background:#d8f0d8}tr.control td[data-state^=readable]{background:#dde8f8;font-weight:normal}td.s-inconclusive{background:#e4e4f4}td.s-not-tried{color:#888}
.high{color:#a00;font-weight:bold}.medium{color:#a60}.low{color:#555}small{color:#555}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render_html(audit: AuditResult) -> str:
    doc = audit.to_json()
    engines = _engines(audit)
    s = doc["summary"]
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<title>cors-e2e hostile-origin audit</title><style>", _CSS, "</style></head><body>",
           f"<h1>Hostile-origin audit of {_e(doc['target'])}</h1>",
           f"<p id='summary' data-findings='{s['findings']}' data-high='{s['high']}'>"
           f"{s['findings']} finding(s): {s['high']} high, {s['medium']} medium, {s['low']} low; "
           f"{s['hostile_origins']} hostile origins; legitimate: {_e(', '.join(doc['legitimate_origins']))}</p>"]
    for w in doc["warnings"]:
        out.append(f"<p class='warning'>warning: {_e(w)}</p>")
    for request in audit.plan.requests:
        out.append(f"<h2>{_e(request.name)}</h2><table><tr><th>origin</th><th>bug class</th>"
                   + "".join(f"<th>{_e(e)}</th>" for e in engines) + "</tr>")
        for j in (j for j in audit.judgements if j.request == request):
            kind = "control (legitimate)" if j.hostile is None else j.hostile.bug_class
            row_class = "control" if j.hostile is None else "hostile"
            out.append(f"<tr data-origin='{_e(j.origin)}' class='{row_class}'><td>{_e(j.origin)}</td>"
                       f"<td>{_e(kind)}</td>")
            for e in engines:
                st = j.engines[e]
                extra = []
                if st.reason:
                    extra.append(st.reason)
                if st.page_origins:
                    extra.append("page: " + ", ".join(st.page_origins))
                if st.cookie_sent is not None:
                    extra.append(f"cookie sent: {'yes' if st.cookie_sent else 'no'}")
                out.append(f"<td class='s-{st.state}' data-engine='{_e(e)}' data-state='{st.state}'>"
                           f"{_e(LONG[st.state])}" + "".join(f"<br><small>{_e(x)}</small>" for x in extra)
                           + "</td>")
            out.append("</tr>")
        out.append("</table>")
    out.append("<h2>Findings</h2>" if doc["findings"] else "<h2>Findings</h2><p>None: no hostile origin could "
                                                            "read a response.</p>")
    for f in doc["findings"]:
        out.append(f"<div class='finding' data-severity='{f['severity']}' data-origin='{_e(f['origin'])}'>"
                   f"<h3><span class='{f['severity']}'>{f['severity'].upper()}</span> {_e(f['origin'])} "
                   f"({_e(f['bug_class'])}), {_e(f['request'])}</h3><ul>"
                   f"<li>{_e(f['why'])}</li>"
                   f"<li>{'credentialed' if f['credentials'] else 'uncredentialed'} read in "
                   f"{_e(', '.join(f'{n} ({LONG[v]})' for n, v in f['readable_in'].items()))}</li>")
        for n, why in {**f["not_readable_in"], **f["inconclusive_in"]}.items():
            out.append(f"<li>{_e(n)}: {_e(why)}</li>")
        if f["allow_origin"]:
            out.append(f"<li>Access-Control-Allow-Origin: {_e(f['allow_origin'])}; Allow-Credentials: "
                       f"{_e(f['allow_credentials'] or '-')}</li>")
        out.append(f"<li>fix: {_e(f['fix'])}</li></ul></div>")
    out.append("<h2>Engines</h2><ul>" + "".join(f"<li>{_e(n)}: {_e(v)}</li>" for n, v in doc["engines"].items())
               + "".join(f"<li>{_e(n)} did not run: {_e(v)}</li>" for n, v in doc["engine_errors"].items())
               + "</ul></body></html>\n")
    return "".join(out)


def write_html(audit: AuditResult, path: str | Path) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(render_html(audit), encoding="utf-8")
    tmp.replace(path)
