from __future__ import annotations

import click

from pdca_cli._columns import Column, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json

#: A finalised round's outcomes and changes as the table shows them; the JSON is the
#: whole result, as recorded in the round's event.
OUTCOMES = (
    Column("rank", "名次"),
    Column("unit", "单位"),
    Column("category", "类别"),
    Column("total", "总分"),
    Column("grade", "等次"),
    Column("tier", "档次"),
    Column("veto", "否决"),
    Column("note", "说明", get=lambda o: o.get("note", "")),
)
CHANGES = (
    Column("cycle", "周期"),
    Column("field", "项目"),
    Column("before", "原为"),
    Column("after", "现为"),
)


@click.group("round")
def round_() -> None:
    """考核轮次：开启、定稿（排名、等次、强制分布、档次）。"""


@round_.command("open")
@click.argument("period")
@click.option("--scheme", "scheme_ref", required=True, help="方案 ID。")
@json_option
@pass_cli
def open_(obj: CliContext, period: str, scheme_ref: str) -> None:
    """开启一个考核期的轮次：该期用此方案的所有周期一起排名。

    \b
    Example:
      pdca round open 2024 --scheme jilin
    """
    r = obj.app().open_round(obj.acting, period, scheme_ref)
    data = {"period": r.period, "scheme": r.scheme_id}
    answer(obj.json, data, f"已开启考核轮次：{r.period}（方案 {r.scheme_id}）")


@round_.command()
@click.argument("period")
@click.option("--scheme", "scheme_id", help="该期有多个轮次时指定方案。")
@click.option("--reason", help="重新定稿（结果已发布后）必须写明理由。")
@json_option
@pass_cli
def finalize(obj: CliContext, period: str, scheme_id: str | None, reason: str | None) -> None:
    """定稿：所有周期须已进入处理阶段；计算总分、排名、等次、强制分布与档次并记录。
    已发布后再定稿会列出变化（谁、变多少）并记录。

    \b
    Example:
      pdca round finalize 2024
      pdca round finalize 2024 --reason 更正市财政局暗访记录后重新定稿
    """
    result = obj.app().finalize_round(obj.acting, period, scheme_id, reason)
    if obj.json:
        emit_json(result)
        return
    if not result["recorded"]:
        click.echo(f"{result['period']}（方案 {result['scheme']}）结果与上次发布相同，未重复记录")
        return
    title = (
        f"已定稿：{result['period']}（方案 {result['scheme']}），{len(result['outcomes'])} 个单位"
    )
    show_table(OUTCOMES, result["outcomes"], title=title)
    if result["changes"]:
        show_table(CHANGES, result["changes"], title="\n与上次发布相比的变化：")
