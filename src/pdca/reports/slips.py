"""Ballot slips as one printable HTML page: one slip per token, its QR code drawn as
inline SVG (segno, pure Python), its link and token in text for typing. No script,
nothing fetched; printed from the browser on A4, eight slips a page, none cut across
two pages.

A slip names the unit assessed and the group, as the paper slips did; it carries no
number and nothing else that would tell one slip from another but its token."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdca.application.slips import Slips

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif; margin: 1em; color: #222; }
header h1 { color: #a61b1b; font-size: 1.3em; margin: 0 0 .3em; }
header p { color: #666; font-size: .9em; margin: .2em 0; }
.sheet { display: grid; grid-template-columns: repeat(auto-fill, minmax(88mm, 1fr));
         gap: 0; }
.slip { border: 1px dashed #999; padding: 4mm; display: flex; gap: 4mm;
        break-inside: avoid; page-break-inside: avoid; min-height: 60mm; box-sizing: border-box; }
.slip svg { width: 34mm; height: 34mm; flex: none; }
.slip h2 { font-size: 1.05em; margin: 0 0 .4em; color: #a61b1b; }
.slip p { margin: .25em 0; font-size: .82em; }
.link, .token { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
.token { font-size: .95em; font-weight: 700; letter-spacing: .02em; }
.note { color: #666; font-size: .75em; }
@page { size: A4; margin: 10mm; }
@media print { header { display: none; } body { margin: 0; } }
"""


def _qr(link: str) -> str:
    import segno  # only for this command

    # Error level M: a slip survives a crease or a smudge; viewBox only, so CSS sizes it.
    return segno.make(link, error="m").svg_inline(scale=1, border=4, omitsize=True)


def _slip(slips: Slips, token: str, link: str) -> str:
    rater = f"<p>评价方：{escape(slips.rater)}</p>" if slips.rater else ""
    return (
        '<section class="slip">'
        f"{_qr(link)}"
        "<div>"
        "<h2>测评票</h2>"
        f"<p>被测评单位：{escape(slips.unit)}（{escape(slips.period)}）</p>"
        f"<p>测评群体：{escape(slips.group)}</p>{rater}"
        "<p>手机扫描二维码投票，或在浏览器打开：</p>"
        f'<p class="link">{escape(link)}</p>'
        f'<p>令牌：<span class="token">{escape(token)}</span></p>'
        '<p class="note">每张票只能投一次。不记名：不记录投票人，也不记录投票时间。</p>'
        "</div></section>"
    )


def render(slips: Slips) -> str:
    """The page: a header for whoever prints it (left out in print), then the slips."""
    body = "".join(_slip(slips, token, link) for token, link in slips.links)
    title = f"测评票 {slips.cycle} {slips.group}"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f"<p>共 {len(slips.links)} 张。用浏览器打印（A4），沿虚线裁开后发放；"
        "令牌即选票的凭据，请妥善保管本文件，打印后删除。</p></header>"
        f'<main class="sheet">{body}</main></body></html>'
    )
