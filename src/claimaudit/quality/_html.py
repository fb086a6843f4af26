"""``checks/index.html``: the check results as one self-contained, escaped page.

It replaces Great Expectations' Data Docs, whose pages load jQuery, Bootstrap, Vega and a logo
from third-party servers. This page loads nothing: its style is inline and it has no script.

>>> from claimaudit.quality._report import CheckReport
>>> page = results_html(CheckReport(results=[], created="2024-11-13T00:00:00+00:00"))
>>> "<script" in page, "http" in page.split("<body", 1)[1]
(False, False)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from claimaudit._io import write_text_atomic

if TYPE_CHECKING:
    from claimaudit.quality._report import CheckReport

__all__ = ["results_html", "write_html"]

_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Data-quality checks — claimaudit</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:60rem;\
padding:1rem;color:#1a1a1a}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .3rem}
.meta{color:#555;font-size:.9rem}.status{font-weight:700;padding:0 .3rem;border-radius:3px}
.passed,.pass{color:#0a5c2b}.failed,.fail,.error{color:#a0001c}.warn,.unavailable{color:#7a4d00}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0 1rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:.4rem;font-size:.8rem}
@media (max-width:40rem){table,tbody,tr,td{display:block}thead{display:none}td{border:0;padding:.1rem 0}
tr{border-bottom:1px solid #ddd;padding:.4rem 0}td.n{text-align:left}
td[data-label]:not(:empty)::before{content:attr(data-label) ": ";color:#555}}
</style>
</head>
<body>
<p><a href="{{ index_href }}">← all outputs</a></p>
<h1>Data-quality checks</h1>
<p class="meta">Run {{ created }}: {{ results|length }} suites, {{ counts.passed }} passed, {{ counts.failed }} failed,
{{ counts.error }} could not be used, {{ counts.unavailable }} not checked (third-party data not fetched).
Overall: <span class="status {{ 'passed' if ok else 'failed' }}">{{ 'passed' if ok else 'NOT passed' }}</span>.
The same results as data: <a href="results.json">results.json</a>, <a href="junit.xml">junit.xml</a>.</p>
{% for suite in results %}
<section id="{{ suite.name }}">
<h2>{{ suite.name }} <span class="status {{ suite.status }}">{{ suite.status }}</span></h2>
<p class="meta">Suite <code>{{ suite.file }}</code> · data <code>{{ suite.data_file or suite.target }}</code>
{%- if suite.rows is not none %} · {{ suite.rows }} rows{% endif %}</p>
{% if suite.error %}<pre>{{ suite.error.message }}</pre>{% endif %}
{% if suite.expectations %}
<table>
<thead><tr><th>Outcome</th><th>Check</th><th>Suite line</th><th>Rows failing</th><th>Examples</th></tr></thead>
<tbody>
{% for exp in suite.expectations %}
<tr><td class="{{ exp.outcome }}">{{ exp.outcome }}</td>
<td>{{ exp.description }}<br><code>{{ exp.expect }}</code></td>
<td class="n" data-label="Suite line">{{ exp.line if exp.line is not none else "" }}</td>
<td class="n" data-label="Rows failing">{% if exp.failing_rows is not none %}{{ exp.failing_rows }}\
{% if exp.checked_rows is not none %} of {{ exp.checked_rows }}{% endif %}{% endif %}</td>
<td>{% if exp.error %}{{ exp.error }}{% endif %}\
{% for example in exp.examples %}<code>{{ example_text(example) }}</code><br>{% endfor %}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
</section>
{% endfor %}
</body>
</html>
"""


def _example_text(example: dict) -> str:
    text = json.dumps(example, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:299] + "…"


def results_html(report: CheckReport, *, index_href: str = "../index.html") -> str:
    """The results page (escaped; no script, no external resource)."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    counts = {k: 0 for k in ("passed", "failed", "error", "unavailable")}
    for suite in report.results:
        counts[suite.status] = counts.get(suite.status, 0) + 1
    return env.from_string(_TEMPLATE).render(
        created=report.created,
        results=report.results,
        counts=counts,
        ok=report.ok,
        example_text=_example_text,
        index_href=index_href,
    )


def write_html(report: CheckReport, path: str | Path, *, depth: int = 1) -> None:
    """Write the page; ``depth`` is how many folders below ``reports/`` it will be published
    (``checks/`` 1, ``checks/failed/`` 2), for its link back to ``index.html``."""
    write_text_atomic(path, results_html(report, index_href="../" * depth + "index.html"))
