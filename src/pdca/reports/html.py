"""The round report's page: one self-contained HTML file (styles inline, charts as
inline SVG, no script, nothing fetched).

It is read on a 1,280 px screen and printed on A4: tables wrap their headers and keep
their figures on one line, so a ranking fits the width; in print the columns marked
wide (片区, 阶段, the publication's event and digest) are left out, the charts shrink
to the page and no row is cut across two pages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from pdca.reports.files import text_of
from pdca.reports.tables import Column, Table

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; margin: 2em; color: #222; }
h1 { color: #a61b1b; border-bottom: 3px solid #a61b1b; padding-bottom: .3em; }
h2 { color: #a61b1b; margin-top: 2em; }
nav a { margin-right: 1.2em; }
.meta, .note { color: #666; font-size: .9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .82em; margin: .8em 0; }
th, td { border: 1px solid #ccc; padding: .25em .4em; }
td { white-space: nowrap; }
th { background: #f6e7e7; position: sticky; top: 0; white-space: normal; max-width: 6.5em;
     vertical-align: bottom; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.t { white-space: normal; max-width: 18em; }
td.d { font-family: monospace; font-size: .92em; }
td.total, th.total { font-weight: 700; background: #fdf3e1; }
.overdue { color: #c0392b; font-weight: 600; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  nav { display: none; }
  .wide { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  th { position: static; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
}
"""


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool],
    marks: Sequence[str] = (),
) -> str:
    """A table; ``marks`` gives a column a class of its own (``overdue``: red)."""
    marks = list(marks) or [""] * len(headers)

    def attr(*names: str) -> str:
        found = " ".join(n for n in names if n)
        return f' class="{found}"' if found else ""

    head = "".join(f"<th{attr(m)}>{escape(h)}</th>" for h, m in zip(headers, marks, strict=True))
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{attr('n' if n else '', m)}>{escape(text_of(v))}</td>"
            for v, n, m in zip(row, numeric, marks, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def export_table(t: Table) -> str:
    """An export table (``exports``) as HTML: the same columns and figures as the files."""
    numeric = [c.kind in ("number", "integer") for c in t.columns]
    return table([c.header for c in t.columns], [t.values(r) for r in t.rows], numeric)


DIGEST_SHOWN = 12  # hex digits of a digest in a cell; the whole one is its tooltip


def columns_table(
    columns: Sequence[Column],
    rows: Sequence[dict[str, Any]],
    *,
    wide: frozenset[str] = frozenset(),
    long: frozenset[str] = frozenset(),
    marked: frozenset[str] = frozenset(),
) -> str:
    """Some of an export table's columns, cell for cell as the export spells them: ``wide``
    columns are left out in print, ``long`` text wraps, ``marked`` stand out (the totals);
    a digest shows its first hex digits."""

    def classes(c: Column) -> list[str]:
        found = []
        if c.key in wide:
            found.append("wide")
        if c.key in marked:
            found.append("total")
        return found

    def cell(c: Column, value: Any) -> str:
        text = text_of(value)
        kinds = classes(c)
        title = ""
        if c.kind in ("number", "integer") and isinstance(value, Decimal | int):
            kinds.append("n")
        elif c.key in long or c.kind in ("number", "integer"):  # "—（why not scored）" wraps
            kinds.append("t")
        elif c.key.endswith("digest") and len(text) > DIGEST_SHOWN:
            kinds.append("d")
            title = f' title="{escape(text)}"'
            text = text[:DIGEST_SHOWN]
        attr = f' class="{" ".join(kinds)}"' if kinds else ""
        return f"<td{attr}{title}>{escape(text)}</td>"

    def head(c: Column) -> str:
        kinds = classes(c)
        attr = f' class="{" ".join(kinds)}"' if kinds else ""
        return f"<th{attr}>{escape(c.header)}</th>"

    header = "".join(head(c) for c in columns)
    body = "".join(
        "<tr>" + "".join(cell(c, row.get(c.key)) for c in columns) + "</tr>" for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>'


def figure(svg: str, caption: str) -> str:
    return f'<figure>{svg}<figcaption class="note">{escape(caption)}</figcaption></figure>'


def section(anchor: str, heading: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(heading)}</h2>{"".join(parts)}</section>'


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


def page(title: str, meta: str, sections: Sequence[tuple[str, str, str]]) -> str:
    """``sections``: (anchor, heading, html) in order."""
    nav = "".join(f'<a href="#{a}">{escape(h)}</a>' for a, h, _ in sections)
    body = "".join(section(a, h, html) for a, h, html in sections)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">{escape(meta)}</p><nav>{nav}</nav>'
        f"{body}</body></html>\n"
    )
