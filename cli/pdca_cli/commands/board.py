from __future__ import annotations

from typing import Any

import click

from pdca_cli._columns import Column, cells, headers, or_blank, records
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json
from pdca_cli._parse import parse_today, today_option

LANE_LIMIT = 25  # cards shown per lane unless --all

LANES = (
    Column("stage", None, get="phase"),
    Column("label", None),
    Column("count", None, get=lambda lane: len(lane.cards)),
    Column("cycles", None, get=lambda lane: records(CARDS, lane.cards)),
)
CARDS = (
    Column("cycle", None),
    Column("stage", None),
    Column("overdue", None),
)
OVERDUE = (
    Column("id", "编号", get=lambda r: r["item_id"][:8]),
    Column("cycle", "周期"),
    Column("problem", "问题"),
    Column("owner", "责任人"),
    Column("due", "期限", get=lambda r: r["due"].isoformat()),
    Column("days_overdue", "逾期天数"),
    Column("measure", "督办", show=or_blank),
)


def _json(b: Any) -> dict[str, Any]:
    return {
        "period": b.period,
        "today": b.today.isoformat(),
        "lanes": records(LANES, b.lanes),
        "overdue": records(OVERDUE, b.overdue),
    }


@click.command()
@click.argument("period", required=False)
@today_option("按此日期判断逾期（YYYY-MM-DD，默认今天）。")
@click.option(
    "--all", "show_all", is_flag=True, help=f"每个阶段列出全部周期（默认最多 {LANE_LIMIT} 个）。"
)
@json_option
@pass_cli
def board(obj: CliContext, period: str | None, today: str | None, show_all: bool) -> None:
    """看板：各周期按阶段（计划/执行/督查/处理/已结束）分栏，附数量；有逾期整改的周期标红，并列出逾期事项。

    \b
    Example:
      pdca board 2024
      pdca board --today 2025-05-01
    """
    from pdca.reports.board import board as build

    b = build(obj.app(), period, parse_today(today))
    if obj.json:
        emit_json(_json(b))
        return
    _render(b, show_all)


def _render(b: Any, show_all: bool) -> None:
    # rich loads with this command only.
    import sys

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Off a terminal rich assumes 80 columns; five lanes of Chinese names need more.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    title = f"{b.period or '全部考核期'} 看板（截至 {b.today}）"
    lanes = Table(title=title)
    for lane in b.lanes:
        lanes.add_column(f"{lane.label}（{len(lane.cards)}）", no_wrap=True)
    lane_texts = []
    for lane in b.lanes:
        text = Text()
        cards = lane.cards if show_all else lane.cards[:LANE_LIMIT]
        for card in cards:
            name = card.unit if b.period else card.cycle
            if card.overdue:
                text.append(f"⚠ {name} 逾期{card.overdue}", style="bold red")
            else:
                text.append(name)
            if card.stage_label != lane.label:  # a sub-stage, e.g. 督查·实地考核
                text.append(f" ·{card.stage_label.split('·')[-1]}", style="dim")
            text.append("\n")
        if len(lane.cards) > len(cards):
            text.append(f"…另 {len(lane.cards) - len(cards)} 个（--all）", style="dim")
        text.rstrip()
        lane_texts.append(text)
    lanes.add_row(*lane_texts)
    console.print(lanes)
    if not b.overdue:
        console.print("没有逾期未销号的整改事项。")
        return
    items = Table(title=f"逾期整改 {len(b.overdue)} 项", title_style="bold red")
    shown = headers(OVERDUE)
    for header in shown:
        items.add_column(header, no_wrap=header != "问题")
    days = shown.index("逾期天数")
    for row in cells(OVERDUE, b.overdue):
        texts = [str(v) for v in row]
        items.add_row(*texts[:days], Text(texts[days], style="bold red"), *texts[days + 1 :])
    console.print(items)
