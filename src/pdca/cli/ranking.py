from __future__ import annotations

from decimal import Decimal

import click

from pdca.cli._context import CliContext, json_option, pass_cli
from pdca.cli._output import emit_json, emit_table


@click.command()
@click.argument("period")
@click.option("--scheme", "scheme_id", help="只列此方案的周期。")
@json_option
@pass_cli
def ranking(obj: CliContext, period: str, scheme_id: str | None) -> None:
    """考核期的排名（来自 scores 投影）：已定稿的按发布结果，未定稿的按当前得分暂列。

    \b
    Example:
      pdca ranking 2024
      pdca ranking 2024 --json
    """
    rows = [
        r
        for r in obj.app().scores_of(period)
        if r["total"] is not None and (not scheme_id or r["scheme_id"] == scheme_id)
    ]
    published = all(r["rank"] is not None for r in rows) and bool(rows)

    def key(r: dict) -> tuple:  # type: ignore[type-arg]
        if r["rank"] is not None:
            return (r["scheme_id"], 0, r["rank"], r["unit"])
        return (r["scheme_id"], 1, -Decimal(r["total"]), r["unit"])

    rows.sort(key=key)
    if obj.json:
        emit_json(
            [
                {
                    "unit": r["unit"],
                    "category": r["category"],
                    "total": r["published_total"] if r["rank"] is not None else r["total"],
                    "grade": r["grade"],
                    "rank": r["rank"],
                    "tier": r["tier"],
                    "scheme": r["scheme"],
                    "current_total": r["total"],
                    "veto": r["vetoes"],
                }
                for r in rows
            ]
        )
        return
    click.echo(f"{period} 排名{'（已定稿发布）' if published else '（含未定稿的暂列，名次为空）'}")
    emit_table(
        ["名次", "单位", "类别", "方案", "总分", "等次", "档次", "否决", "当前得分"],
        [
            [
                r["rank"] or "—",
                r["unit"],
                r["category"] or "",
                r["scheme_id"],
                r["published_total"] or "—",
                r["grade"] or "—",
                r["tier"] or "—",
                r["vetoes"] or "",
                r["total"],
            ]
            for r in rows
        ],
    )
