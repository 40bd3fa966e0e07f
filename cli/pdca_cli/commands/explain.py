from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import click

from pdca.application.clock import spelled
from pdca_cli._columns import moment
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json


def figure(node: dict[str, Any], precision: Decimal | None) -> str:
    """A node's value as the table shows it: a recorded fact (it has an event position) as
    recorded, a figure worked out from facts at the scheme's precision (JSON keeps both
    exact)."""
    value = node["value"]
    if precision is None or "position" in node:
        return value
    return str(Decimal(value).quantize(precision, rounding=ROUND_HALF_UP))


def render_tree(
    node: dict[str, Any], depth: int = 0, precision: Decimal | None = None
) -> list[str]:
    """The tree as text, a line per node (a long cycle's has a line per fact: thousands)."""
    lines: list[str] = []
    _render(node, depth, precision, lines)
    return lines


def _render(node: dict[str, Any], depth: int, precision: Decimal | None, lines: list[str]) -> None:
    if node["value"] is not None:
        value = f" = {figure(node, precision)}"
    elif node.get("status") == "missing":
        value = " = —"  # not a score: no number where a fact is missing
    else:
        value = ""
    facts = ""
    if "position" in node:
        # A ballot recorded since issue 13 names nobody: 不记名, not a blank.
        who = node["actor"] or "不记名"
        # ``spelled`` is ``moment``'s spelling, imported once rather than once per fact.
        facts = f"  [事件 #{node['position']} {spelled(node['recorded_at'])} {who}"
        if node.get("observed_on"):
            facts += f"，发现于 {node['observed_on']}"
        facts += "]"
    note = f"（{node['note']}）" if node.get("note") else ""
    lines.append(f"{'  ' * depth}{'└ ' if depth else ''}{node['label']}{value}{note}{facts}")
    for child in node.get("children", ()):
        _render(child, depth + 1, precision, lines)


@click.command()
@click.argument("address", metavar="CYCLE")
@click.option(
    "--as-of",
    "as_of",
    help="只用此刻及之前记录的事件（ISO 8601，如 2024-06-30T18:00:00+08:00）。"
    "不写时差即按数据库的时区；只写日期即到当日结束。",
)
@json_option
@pass_cli
def explain(obj: CliContext, address: str, as_of: str | None) -> None:
    """分数的来历：从总分到每条事实（事件号、发现日期、记录时间、操作人、证据），及所用方案版本。

    \b
    示例:
      pdca explain 市财政局/2024
      pdca explain 市财政局/2024 --as-of 2024-07-01 --json
    """
    from pdca.application.collector import paused

    # A long cycle's answer is tens of thousands of objects (facts, nodes, JSON, lines).
    with paused():
        _explain(obj, address, as_of)


def _explain(obj: CliContext, address: str, as_of: str | None) -> None:
    from pdca_cli._parse import parse_moment

    result = obj.app().explain(address, parse_moment(as_of) if as_of else None)
    data = result.to_json()
    if obj.json:
        emit_json(data)
        return
    when = f"，截至 {moment(data['as_of'])}" if data["as_of"] else ""
    click.echo(
        f"{data['cycle']}：方案 {data['scheme']}（摘要 {data['scheme_digest'][:12]}），历史至第 {data['head_position']} 号事件{when}"
    )
    if data["head_digest"]:
        click.echo(f"链摘要（第 {data['head_position']} 号事件）：{data['head_digest']}")
    if data["refused"]:
        click.echo(f"尚不能计分：{data['refused']}")
    # One write for the tree: a long cycle's has a line per fact (thousands).
    click.echo("\n".join(render_tree(data["tree"], precision=Decimal(data["precision"]))))
    outcome = data["outcome"]
    if outcome:
        click.echo(
            f"已发布：总分 {outcome['total']}，名次 {outcome['rank']}，等次 {outcome['grade'] or '—'}，"
            f"档次 {outcome['tier'] or '—'}{'，否决：' + outcome['veto'] if outcome['veto'] else ''}"
        )
        if outcome.get("digest"):
            click.echo(f"发布时的链摘要（第 {outcome['head']} 号事件）：{outcome['digest']}")
    for a in data.get("appeals", []):
        lodged = a["lodged"]
        click.echo(
            f"申诉（第 {lodged['position']} 号事件，{lodged['actor']}，{moment(lodged['recorded_at'])}）："
            f"{a['reason']}（依据：{a['evidence']}）"
        )
        if a["decided"]:
            d = a["decided"]
            verdict = "支持" if a["upheld"] else "驳回"
            click.echo(
                f"  复核{verdict}（第 {d['position']} 号事件，{d['actor']}，{moment(d['recorded_at'])}）："
                f"{a['decision_reason']}"
            )
        else:
            click.echo("  待复核")
    if data.get("attachments"):
        from pdca.application import labels

        click.echo("附件：")
        for a in data["attachments"]:
            click.echo(
                f"  第 {a['position']} 号事件（{labels.event_type(a['type'])}）：{a['name']}"
                f"（{a['size']} 字节，{a['media_type']}，摘要 {a['digest'][:12]}）"
            )
    used = data.get("results_used")
    if used:
        # 考用结合: what the published result brings, with the round's events behind it.
        click.echo("结果运用：")
        for c in used["consequences"]:
            amount = f"，金额 {c['amount']}" if "amount" in c else ""
            click.echo(f"  {c['label']}（{c['because']}；{'、'.join(c['periods'])}{amount}）")
        for c in used["conversions"]:
            click.echo(
                f"  {c['label']} {c['points']}（满分 {c['of']}；由未舍入总分 {c['from']} 折算为"
                f" {c['exact']}，一次四舍五入）"
            )
        if not used["consequences"] and not used["conversions"]:
            click.echo("  （无）")
        if used.get("read"):  # rules across years: which publications of which years
            read = "、".join(
                f"{r['period']}（第 {r['finalisation']} 次定稿）" for r in used["read"]
            )
            click.echo(f"  跨年规则读取往年发布结果：{read}")
        for e in used["events"]:
            click.echo(
                f"  来自轮次 {e['round']} 第 {e['position']} 号事件 {e['event']}（{e['what']}，"
                f"{e['actor']}，{moment(e['recorded_at'])}）"
            )
