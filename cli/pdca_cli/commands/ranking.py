from __future__ import annotations

import click

from pdca_cli._columns import Column, or_blank, or_dash, records, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json

#: The table: the published result beside the current score. The JSON has the scores
#: export's ranking keys (``pdca.reports.tables.RANKING_KEYS``), where ``total`` is the
#: published total, or the current one before publication (null while it cannot be
#: scored), and ``veto`` each veto with the facts behind it; the table names vetoes by
#: their labels and shows "—" with the reason for a score there is not.
SHOWN = (
    Column(None, "名次", get="rank", show=or_dash),
    Column(None, "单位", get="unit"),
    Column(None, "类别", get="category", show=or_blank),
    Column(None, "方案", get="scheme_id"),
    Column(None, "总分", get="published_total", show=or_dash),
    Column(None, "等次", get="grade", show=or_dash),
    Column(None, "档次", get="tier", show=or_dash),
    Column(None, "否决", get="vetoes", show=or_blank),
    Column(None, "当前得分", get=lambda r: r["current_total"] or f"—（{r['refused']}）"),
)


@click.command()
@click.argument("period")
@click.option("--scheme", "scheme_id", help="只列此方案的周期。")
@json_option
@pass_cli
def ranking(obj: CliContext, period: str, scheme_id: str | None) -> None:
    """考核期的排名（来自 scores 投影）：已定稿的按发布结果，未定稿的按当前得分暂列。

    \b
    示例:
      pdca ranking 2024
      pdca ranking 2024 --json
    """
    from pdca.reports.tables import RANKING_KEYS, ranked, ranking_json, score_row

    rows = [
        {
            **ranking_json(score_row(r)),
            "scheme_id": r["scheme_id"],
            "published_total": r["published_total"],
            "vetoes": r["vetoes"],
            "refused": r["refused"],
        }
        for r in ranked(obj.app().scores_of(period), scheme_id, obj.workspace().categories)
    ]
    used = obj.app().results_used(period)
    if used:
        # A round whose scheme uses results (考用结合) adds them; others read as before.
        from pdca.reports.tables import results_used_text

        for r in rows:
            record = used.get(f"{r['unit']}/{period}")
            r["results_used"] = results_used_text(record) if record else None
    published = all(r["rank"] is not None for r in rows) and bool(rows)
    title = f"{period} 排名{'（已定稿发布）' if published else '（含未定稿的暂列，名次为空）'}"
    listing = [*(Column(k, None) for k in RANKING_KEYS), *SHOWN]
    if used:
        listing.append(Column("results_used", "结果运用", get="results_used", show=or_blank))
    if obj.json:
        emit_json(records(listing, rows))
        return
    if not rows:
        show_table(listing, rows, title=title)
        return
    # One table per scheme and unit category: the categories do not interleave.
    click.echo(title)
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["scheme_id"], r["category"] or "（未分类）"), []).append(r)
    for (scheme, category), members in groups.items():
        click.echo()
        show_table(listing, members, title=f"{category}（方案 {scheme}，{len(members)} 个单位）")
