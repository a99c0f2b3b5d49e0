"""The style sheet of qualitapa's HTML reports (the benchmark report and the annual report).

One copy for both: :mod:`qualitapa.reporting` and :mod:`qualitapa.programme` put
:data:`REPORT_STYLE` in their page's ``<style>`` (``{{ style }}`` in the
template). It lives in the core because the programme sits below reporting in
the layers and cannot load reporting's templates. It has print styles for A4.
"""

from __future__ import annotations

from typing import Final

from markupsafe import Markup

#: The CSS of a report page (safe markup: the template engine does not escape it).
REPORT_STYLE: Final = Markup(
    """\
:root { --ink: #1b1b1b; --muted: #595959; --rule: #d0d7de; --band: #1f4e79;
        --best: #00704f; --bad: #b34700; }
* { box-sizing: border-box; }
body { font-family: "Titillium Web", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
header { border-bottom: 4px solid var(--band); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--band); }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule);
     color: var(--band); }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta, .note, figcaption, .muted, summary { color: var(--muted); font-size: .9rem; }
.note { border-left: 4px solid var(--bad); padding: .4rem .8rem; background: #fff4ec; }
.summary { font-size: 1rem; }
nav ol { columns: 2; font-size: .95rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .88rem; }
caption { text-align: left; color: var(--muted); }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #eef3f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { background: #e6f5ef; }
tr.highlight td { font-weight: 600; }
.yes { color: var(--best); font-weight: 600; }
.no { color: var(--bad); font-weight: 600; }
figure { margin: .6rem 0 1.2rem; }
figure svg, img.chart { max-width: 100%; height: auto; display: block; }
details { margin-top: .3rem; }
summary { cursor: pointer; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, details { display: none; }
  h2 { break-before: page; }
  h2.first { break-before: avoid; }
  figure, table, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}"""
)
