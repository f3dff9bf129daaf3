"""The HTML report: one self-contained file (inline CSS and a little inline JS,
no external assets) built from a run's JSON document (``RunResult.to_json()``).

It shows the matrix scenario × engine × origin × credentials with every cell
coloured by its outcome, filters by outcome and engine, and for each cell its
reason, explanation, the raw exchange, the engine's own words, the console
lines and links to the evidence files a failing cell has.

Everything a server or a page could have influenced (headers, bodies, console
lines, reasons) is escaped; exchange headers are redacted again here in case
the JSON came from somewhere that did not redact them.

The markup is meant to be checked by machines as well as read: every matrix
cell and every cell's details carry ``data-id``, ``data-outcome`` and
``data-engine``; every count is an element with a fixed id
(``count-cells``, ``count-differ``, ``count-<outcome>``) and a ``data-count``.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

# A cell's outcome, its label and its mismatch sentence are e2e.decide's: one
# rule for every report (names re-exported for the report's readers).
from e2e.decide import (AS_EXPECTED, COOKIE_DIFFERS, NETWORK_ERROR, OUTCOME_LABELS, OUTCOMES, TIMEOUT,
                        UNEXPECTEDLY_ALLOWED, UNEXPECTEDLY_BLOCKED, mismatch_sentence, outcome)
from e2e.exchange import redact_headers
from e2e.scenarios import ENGINES

if TYPE_CHECKING:
    from e2e.baseline import Comparison

def outcome_counts(doc: Mapping[str, Any]) -> dict[str, int]:
    """``cells``, ``differ`` and one count per outcome: the numbers the HTML
    header and the JUnit suite show, and that must equal the JSON summary."""
    cells = list(doc.get("cells") or [])
    counts = {"cells": len(cells)}
    counts.update({o: 0 for o in OUTCOMES})
    for c in cells:
        counts[outcome(c)] += 1
    counts["differ"] = counts["cells"] - counts[AS_EXPECTED]
    return counts


def write_html(doc: Mapping[str, Any], path: str | Path, *, comparison: Comparison | None = None,
               evidence_root: str | Path | None = None) -> None:
    """Write the report to ``path``. Evidence paths in the cells are relative
    to ``evidence_root`` (the ``--output`` directory); the links are made
    relative to the report's own directory, so the two can live apart."""
    path = Path(path)
    base = ""
    if evidence_root is not None:
        base = os.path.relpath(Path(evidence_root).resolve(), path.resolve().parent)
        base = "" if base == "." else base.replace(os.sep, "/")
    text = render_html(doc, comparison=comparison, evidence_base=base)
    tmp = Path(str(path) + ".tmp")
    # backslashreplace: a lone surrogate from a JSON "\\udc80" must not lose the report.
    tmp.write_text(text, encoding="utf-8", errors="backslashreplace")
    tmp.replace(path)  # never leave a half-written report behind on Ctrl-C


def render_html(doc: Mapping[str, Any], *, comparison: Comparison | None = None,
                evidence_base: str = "") -> str:
    """The report as one HTML document. ``evidence_base`` is a relative URL
    prefix for the cells' evidence paths."""
    cells: list[Mapping[str, Any]] = [c for c in (doc.get("cells") or []) if isinstance(c, Mapping)]
    counts = outcome_counts({"cells": cells})
    engines = _engine_order(doc, cells)
    changes = _changes_by_id(comparison)
    anchors = {id(c): f"c-{i}" for i, c in enumerate(cells)}
    title = f"cors-e2e: {_s(doc.get('target'))}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        _header(doc, counts, engines),
        _filters(counts, engines),
        _matrix(cells, engines, anchors, changes),
        _comparison(comparison) if comparison is not None else "",
        _details_list(cells, anchors, changes, evidence_base),
        f"<script>{_JS}</script>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


# -- pieces -------------------------------------------------------------------

def _e(value: Any) -> str:
    return escape(_s(value), quote=True)


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _engine_order(doc: Mapping[str, Any], cells: list[Mapping[str, Any]]) -> list[str]:
    """Chromium, Firefox, WebKit (whichever started first), then any other."""
    names = list(doc.get("engines") or {})
    for c in cells:
        b = _s(c.get("browser"))
        if b not in names:
            names.append(b)
    known = {name: i for i, name in enumerate(ENGINES)}
    return sorted(names, key=lambda n: (known.get(n, len(known)), names.index(n)))


def _changes_by_id(comparison: Comparison | None) -> dict[str, str]:
    if comparison is None:
        return {}
    return {ch.id: ", ".join(ch.kinds) for ch in comparison.changes}


def _count(name: str, n: int, label: str) -> str:
    return (f'<li class="count o-{_e(name)}"><span class="n" id="count-{_e(name)}" '
            f'data-count="{n}">{n}</span> {_e(label)}</li>')


def _header(doc: Mapping[str, Any], counts: dict[str, int], engines: list[str]) -> str:
    summary = doc.get("summary") if isinstance(doc.get("summary"), Mapping) else {}
    versions = doc.get("engines") if isinstance(doc.get("engines"), Mapping) else {}
    errors = doc.get("engine_errors") if isinstance(doc.get("engine_errors"), Mapping) else {}
    engine_items = [f'<li data-engine="{_e(n)}"><b>{_e(n)}</b> {_e(versions.get(n, "version unknown"))}</li>'
                    for n in engines]
    engine_items += [f'<li class="engine-error" data-engine="{_e(n)}"><b>{_e(n)}</b> did not run: {_e(why)}</li>'
                     for n, why in sorted(errors.items())]
    duration = summary.get("duration_s") if summary else None
    rows = [("target", doc.get("target")), ("scenarios", doc.get("scenarios_file")),
            ("started", doc.get("started")),
            ("duration", f"{duration} s" if duration is not None else None)]
    dl = "".join(f'<dt>{_e(k)}</dt><dd id="run-{_e(k)}">{_e(v)}</dd>' for k, v in rows if v is not None)
    banner = ('<p class="banner" id="interrupted">Interrupted: the run stopped early; '
              "only the cells that finished are shown.</p>") if doc.get("interrupted") else ""
    count_items = [_count("cells", counts["cells"], "cells"),
                   _count("differ", counts["differ"], "not as expected")]
    count_items += [_count(o, counts[o], OUTCOME_LABELS[o]) for o in OUTCOMES]
    return (f'<header><h1>cors-e2e report</h1>{banner}<dl class="run">{dl}</dl>'
            f'<h2>Engines</h2><ul class="engines" id="engines">{"".join(engine_items) or "<li>none</li>"}</ul>'
            f'<ul class="counts" id="counts">{"".join(count_items)}</ul></header>')


def _filters(counts: dict[str, int], engines: list[str]) -> str:
    outcome_boxes = "".join(
        f'<label class="o-{_e(o)}"><input type="checkbox" name="outcome" value="{_e(o)}" checked> '
        f"{_e(OUTCOME_LABELS[o])} ({counts[o]})</label>" for o in OUTCOMES)
    engine_boxes = "".join(
        f'<label><input type="checkbox" name="engine" value="{_e(n)}" checked> {_e(n)}</label>'
        for n in engines)
    return ('<form id="filters">'
            f'<fieldset id="filter-outcome"><legend>Outcome</legend>{outcome_boxes}'
            '<button type="button" id="only-differ">only not as expected</button>'
            '<button type="button" id="show-all">all</button></fieldset>'
            f'<fieldset id="filter-engine"><legend>Engine</legend>{engine_boxes}</fieldset></form>')


def _ordered(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


_SHORT = {"allowed": "allowed", "blocked": "blocked", "network-error": "net error", "timeout": "timeout"}


def _matrix(cells: list[Mapping[str, Any]], engines: list[str], anchors: dict[int, str],
            changes: dict[str, str]) -> str:
    if not cells:
        return '<p id="matrix-empty">No cells ran.</p>'
    scenarios = _ordered(_s(c.get("scenario")) for c in cells)
    origins = _ordered(_s(c.get("origin")) for c in cells)
    creds = _ordered(_s(c.get("credentials")) for c in cells)
    present = {(_s(c.get("origin")), _s(c.get("credentials"))) for c in cells}
    combos = [(o, k) for o in origins for k in creds if (o, k) in present]
    by_key = {(_s(c.get("scenario")), _s(c.get("browser")), _s(c.get("origin")), _s(c.get("credentials"))): c
              for c in cells}
    head1 = ['<th rowspan="3" class="scenario-head">scenario</th>']
    head2: list[str] = []
    head3: list[str] = []
    for eng in engines:
        head1.append(f'<th colspan="{len(combos)}" class="engine-head" data-engine="{_e(eng)}">{_e(eng)}</th>')
        for o in origins:
            span = sum(1 for oo, _ in combos if oo == o)
            if span:
                head2.append(f'<th colspan="{span}" data-engine="{_e(eng)}">{_e(o)}</th>')
        head3 += [f'<th data-engine="{_e(eng)}">{_e(k)}</th>' for _, k in combos]
    rows = []
    for sc in scenarios:
        tds = [f'<th class="scenario" scope="row">{_e(sc)}</th>']
        for eng in engines:
            for o, k in combos:
                c = by_key.get((sc, eng, o, k))
                if c is None:
                    tds.append(f'<td class="absent" data-engine="{_e(eng)}">·</td>')
                    continue
                out = outcome(c)
                change = changes.get(_s(c.get("id")))
                change_attr = f' data-change="{_e(change)}"' if change else ""
                mark = '<sup class="changed" title="changed since the baseline">Δ</sup>' if change else ""
                tip = f"{_s(c.get('id'))}: {mismatch_sentence(c)}"
                tds.append(
                    f'<td class="cell o-{_e(out)}" data-id="{_e(c.get("id"))}" data-outcome="{_e(out)}" '
                    f'data-engine="{_e(eng)}" data-origin="{_e(o)}" data-credentials="{_e(k)}" '
                    f'data-verdict="{_e(c.get("verdict"))}" data-expected="{_e(c.get("expected"))}"{change_attr}>'
                    f'<a href="#{anchors[id(c)]}" title="{_e(tip)}">'
                    f'{_e(_SHORT.get(_s(c.get("verdict")), _s(c.get("verdict"))))}{mark}</a></td>')
        rows.append(f'<tr data-scenario="{_e(sc)}">{"".join(tds)}</tr>')
    legend = "".join(f'<span class="legend o-{_e(o)}">{_e(OUTCOME_LABELS[o])}</span>' for o in OUTCOMES)
    return (f'<h2>Matrix</h2><p class="legend-row">{legend}</p>'
            f'<div class="scroll"><table id="matrix"><thead><tr>{"".join(head1)}</tr><tr>{"".join(head2)}</tr>'
            f'<tr>{"".join(head3)}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _comparison(comparison: Comparison) -> str:
    lines = comparison.text_lines()
    regress = {ch.id for ch in comparison.regressions}
    items = []
    for ch in comparison.changes:
        cls = "regression" if ch.id in regress else "change"
        items.append(f'<li class="{cls}" data-id="{_e(ch.id)}" data-change="{_e(", ".join(ch.kinds))}">'
                     f"{_e(ch.describe())}</li>")
    items += [f'<li class="added" data-id="{_e(i)}">added: {_e(i)}</li>' for i in comparison.added]
    items += [f'<li class="removed" data-id="{_e(i)}">removed: {_e(i)}</li>' for i in comparison.removed]
    return (f'<section id="baseline"><h2>Since the baseline</h2><p>{_e(lines[0])}</p>'
            f'<p><span id="count-regressions" data-count="{len(comparison.regressions)}">'
            f"{len(comparison.regressions)}</span> regression{'' if len(comparison.regressions) == 1 else 's'}</p>"
            f'<ul>{"".join(items)}</ul></section>')


def _details_list(cells: list[Mapping[str, Any]], anchors: dict[int, str], changes: dict[str, str],
                  evidence_base: str) -> str:
    differ = [c for c in cells if outcome(c) != AS_EXPECTED]
    fine = [c for c in cells if outcome(c) == AS_EXPECTED]
    out = ['<section id="cells">']
    for heading, group in ((f"Not as expected ({len(differ)})", differ), (f"As expected ({len(fine)})", fine)):
        out.append(f"<h2>{_e(heading)}</h2>")
        out += [_details(c, anchors[id(c)], changes.get(_s(c.get("id"))), evidence_base) for c in group]
    out.append("</section>")
    return "".join(out)


def _details(c: Mapping[str, Any], anchor: str, change: str | None, evidence_base: str) -> str:
    out = outcome(c)
    summary = (f'<span class="badge o-{_e(out)}">{_e(OUTCOME_LABELS[out])}</span> <code>{_e(c.get("id"))}</code>'
               f" {_e(mismatch_sentence(c))}"
               + (f' <span class="changed">Δ {_e(change)}</span>' if change else ""))
    facts = [
        ("request", f"{_s(c.get('method'))} {_s(c.get('url'))}"),
        ("from", f"{_s(c.get('origin'))} ({_s(c.get('page_origin'))}), credentials {_s(c.get('credentials'))}"),
        ("verdict", _s(c.get("verdict")) + (f", status {c.get('status')}" if c.get("status") is not None else "")),
        ("expected", c.get("expected")),
        ("reason", c.get("reason")),
        ("layer", c.get("layer")),
        ("hidden status", c.get("underlying_status")),
        ("preflight", {True: "sent", False: "not sent"}.get(c.get("preflight"))),  # type: ignore[arg-type]
        ("session cookie", _cookie(c)),
        ("engine said", c.get("engine_detail")),
        ("page error", c.get("error")),
        ("Fetch standard", _oracle(c)),
        ("deviation", c.get("deviation")),
        ("api", c.get("api")),
        ("time", f"{c.get('elapsed_ms')} ms fetch" if c.get("elapsed_ms") is not None else None),
    ]
    dl = "".join(f'<dt>{_e(k)}</dt><dd class="f-{_e(k.replace(" ", "-"))}">{_e(v)}</dd>'
                 for k, v in facts if v not in (None, ""))
    body = [f'<dl class="facts">{dl}</dl>']
    if c.get("explanation"):
        body.append(f'<p class="explanation">{_e(c.get("explanation"))}</p>')
    evidence = _evidence(c.get("evidence"), evidence_base)
    if evidence:
        body.append(evidence)
    console = [str(x) for x in (c.get("console") or [])]
    if console:
        body.append('<h4>Console</h4><pre class="console">' + _e("\n".join(console)) + "</pre>")
    exchanges = [x for x in (c.get("exchange") or []) if isinstance(x, Mapping)]
    if exchanges:
        body.append("<h4>Exchange (what the server saw)</h4>" + "".join(_exchange(x) for x in exchanges))
    return (f'<details id="{anchor}" class="detail o-{_e(out)}" data-id="{_e(c.get("id"))}" '
            f'data-outcome="{_e(out)}" data-engine="{_e(c.get("browser"))}">'
            f"<summary>{summary}</summary>{''.join(body)}</details>")


def _cookie(c: Mapping[str, Any]) -> str | None:
    sent, expected = c.get("cookie_sent"), c.get("expected_cookie")
    if sent is None and expected is None:
        return None
    text = {True: "sent", False: "not sent"}.get(sent, "unknown")  # type: ignore[arg-type]
    if expected is not None:
        text += f" (expected {'sent' if expected else 'withheld'})"
    return text


def _oracle(c: Mapping[str, Any]) -> str | None:
    if c.get("oracle_verdict") is None:
        return None
    text = f"predicts {_s(c.get('oracle_verdict'))}"
    if c.get("oracle_reason"):
        text += f" ({_s(c.get('oracle_reason'))})"
    agrees = c.get("oracle_agrees")
    return text + {True: ", agrees with the engine", False: ", DISAGREES with the engine"}.get(agrees, "")  # type: ignore[arg-type]


def _headers(raw: Any) -> list[tuple[str, str]]:
    pairs = [(str(h[0]), str(h[1])) for h in (raw or []) if isinstance(h, (list, tuple)) and len(h) == 2]
    return redact_headers(pairs)


def _exchange(x: Mapping[str, Any]) -> str:
    target = _s(x.get("path")) + (f"?{_s(x.get('query'))}" if x.get("query") else "")
    req = "\n".join(f"{k}: {v}" for k, v in _headers(x.get("request_headers")))
    resp = "\n".join(f"{k}: {v}" for k, v in _headers(x.get("response_headers")))
    answered = f"{_s(x.get('status'))} from {_s(x.get('layer'))}"
    if x.get("detail"):
        answered += f" ({_s(x.get('detail'))})"
    body = f"\n\n{_s(x.get('body'))}" if x.get("body") else ""
    return (f'<div class="exchange"><pre class="request">{_e(x.get("method"))} {_e(target)}\n{_e(req)}</pre>'
            f'<pre class="response">{_e(answered)}\n{_e(resp)}{_e(body)}</pre></div>')


def _evidence(raw: Any, base: str) -> str:
    if not isinstance(raw, Mapping) or not raw:
        return ""
    links = []
    for kind, rel in raw.items():
        rel = _s(rel)
        parts = urlsplit(rel)
        if parts.scheme or parts.netloc or rel.startswith(("/", "\\")):
            # Only files beside the report: never a link elsewhere.
            links.append(f'<li data-kind="{_e(kind)}">{_e(kind)}: {_e(rel)}</li>')
            continue
        href = quote(f"{base}/{rel}" if base else rel, safe="/")
        links.append(f'<li data-kind="{_e(kind)}"><a class="evidence" href="{_e(href)}">{_e(kind)}</a> '
                     f"<code>{_e(rel)}</code></li>")
    return f'<h4>Evidence</h4><ul class="evidence">{"".join(links)}</ul>'


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}
h1{margin:.2em 0}h2{margin:1em 0 .3em;font-size:1.15em}h4{margin:.6em 0 .2em}
dl.run{display:grid;grid-template-columns:max-content auto;gap:0 1em;margin:.3em 0}dt{font-weight:600}dd{margin:0}
ul.engines,ul.counts{list-style:none;padding:0;margin:.3em 0}ul.counts li{display:inline-block;margin:0 .4em .3em 0;
padding:.2em .6em;border-radius:4px}ul.counts .n{font-weight:700}
.engine-error{color:#b71c1c}.banner{background:#fff3cd;padding:.4em .8em;border:1px solid #e0c060}
.o-as-expected{background:#c8e6c9;color:#1b5e20}
.o-unexpectedly-blocked{background:#d32f2f;color:#fff}
.o-unexpectedly-allowed{background:#ad1457;color:#fff}
.o-network-error{background:#e65100;color:#fff}
.o-timeout{background:#bf360c;color:#fff}
.o-cookie-differs{background:#6a1b9a;color:#fff}
.count.o-cells,.count.o-differ{background:#eceff1;color:#222}
form#filters{display:flex;gap:1em;flex-wrap:wrap;margin:.6em 0}fieldset{border:1px solid #ccc;border-radius:4px}
fieldset label{margin-right:.6em;padding:.1em .4em;border-radius:3px;white-space:nowrap}
.legend{display:inline-block;padding:.1em .5em;margin-right:.4em;border-radius:3px}
.scroll{overflow-x:auto}table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:2px 4px;font-size:12px}
th.scenario{text-align:left;white-space:nowrap;font-weight:500}td.cell{text-align:center;white-space:nowrap}
td.cell a{color:inherit;text-decoration:none;display:block}td.absent{color:#bbb;text-align:center}
td.dim{visibility:hidden}.hidden{display:none}
sup.changed,span.changed{font-weight:700;color:#000;background:#ffeb3b;padding:0 .2em;border-radius:2px}
details.detail{border:1px solid #ddd;border-left-width:8px;margin:.3em 0;padding:.2em .6em}
details.detail.o-as-expected{background:#fff;color:#222;border-left-color:#66bb6a}
details.detail:not(.o-as-expected){background:#fff;color:#222}
details.detail.o-unexpectedly-blocked{border-left-color:#d32f2f}details.detail.o-unexpectedly-allowed{border-left-color:#ad1457}
details.detail.o-network-error{border-left-color:#e65100}details.detail.o-timeout{border-left-color:#bf360c}
details.detail.o-cookie-differs{border-left-color:#6a1b9a}
details:target{outline:3px solid #1976d2}summary{cursor:pointer}.badge{padding:0 .4em;border-radius:3px;font-size:12px}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:0 1em}dl.facts dd{word-break:break-all}
.explanation{background:#e3f2fd;padding:.4em .6em;border-radius:4px}
pre{background:#f6f8fa;padding:.4em .6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:.5em}
#baseline li.regression{color:#b71c1c;font-weight:600}
"""

# Filters: a cell is shown when its outcome and its engine are both ticked.
# Matrix cells of a hidden outcome are dimmed (the grid keeps its shape);
# columns of a hidden engine and rows with nothing left to show disappear.
_JS = """
(function(){
  var form=document.getElementById('filters');
  function ticked(name){var s={};form.querySelectorAll('input[name='+name+']').forEach(function(i){if(i.checked)s[i.value]=1;});return s;}
  function apply(){
    var out=ticked('outcome'),eng=ticked('engine');
    document.querySelectorAll('#matrix [data-engine]').forEach(function(el){el.classList.toggle('hidden',!eng[el.dataset.engine]);});
    document.querySelectorAll('#matrix td.cell').forEach(function(el){el.classList.toggle('dim',!out[el.dataset.outcome]);});
    document.querySelectorAll('#matrix tbody tr').forEach(function(tr){
      tr.classList.toggle('hidden',!tr.querySelector('td.cell:not(.dim):not(.hidden)'));});
    document.querySelectorAll('details.detail').forEach(function(el){
      el.classList.toggle('hidden',!(out[el.dataset.outcome]&&eng[el.dataset.engine]));});
  }
  form.addEventListener('change',apply);
  function setOutcomes(f){form.querySelectorAll('input[name=outcome]').forEach(function(i){i.checked=f(i.value);});apply();}
  document.getElementById('only-differ').addEventListener('click',function(){setOutcomes(function(v){return v!=='as-expected';});});
  document.getElementById('show-all').addEventListener('click',function(){setOutcomes(function(){return true;});
    form.querySelectorAll('input[name=engine]').forEach(function(i){i.checked=true;});apply();});
  function openTarget(){var id=location.hash.slice(1);var d=id&&document.getElementById(id);
    if(d&&d.tagName==='DETAILS'){d.open=true;d.scrollIntoView();}}
  window.addEventListener('hashchange',openTarget);
  document.querySelectorAll('#matrix td.cell a').forEach(function(a){a.addEventListener('click',function(){
    var d=document.getElementById(a.getAttribute('href').slice(1));if(d)d.open=true;});});
  openTarget();apply();
})();
"""
