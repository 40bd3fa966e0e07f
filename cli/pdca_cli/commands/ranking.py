from __future__ import annotations

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table


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
    from pdca.reports.tables import ranked, ranking_json, score_row

    rows = ranked(obj.app().scores_of(period), scheme_id)
    published = all(r["rank"] is not None for r in rows) and bool(rows)
    if obj.json:
        emit_json([ranking_json(score_row(r)) for r in rows])
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
                r["total"] if r["total"] is not None else f"—（{r['refused']}）",
            ]
            for r in rows
        ],
    )
