"""The round report's page: one self-contained HTML file (styles inline, charts as
inline SVG, no script, nothing fetched)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from pdca.reports.files import text_of
from pdca.reports.tables import Table

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; margin: 2em; color: #222; }
h1 { color: #a61b1b; border-bottom: 3px solid #a61b1b; padding-bottom: .3em; }
h2 { color: #a61b1b; margin-top: 2em; }
nav a { margin-right: 1.2em; }
.meta, .note { color: #666; font-size: .9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .82em; margin: .8em 0; }
th, td { border: 1px solid #ccc; padding: .25em .5em; white-space: nowrap; }
th { background: #f6e7e7; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
"""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(text_of(v))}</td>' if n else f"<td>{escape(text_of(v))}</td>"
            for v, n in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def export_table(t: Table) -> str:
    """An export table (``exports``) as HTML: the same columns and figures as the files."""
    numeric = [c.kind in ("number", "integer") for c in t.columns]
    return table([c.header for c in t.columns], [t.values(r) for r in t.rows], numeric)


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
