from __future__ import annotations

import click

from pdca_cli._columns import Column, emit, moment, or_dash, records, show_table, yes_no
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

#: A round as ``round list`` and ``round show`` describe it.
ROUNDS = (
    Column("period", "考核期"),
    Column("scheme", "方案"),
    Column("cycles", "周期数"),
    Column(
        "stages",
        "各阶段周期",
        show=lambda stages: "，".join(f"{k} {n}" for k, n in stages.items()) or "—",
    ),
    Column("published", "已发布", show=yes_no),
    Column("published_at", "发布时间", show=lambda t: moment(t) if t else "—"),
    Column("published_by", "发布人", show=or_dash),
    Column("finalisations", "定稿次数"),
    Column("units", "发布单位数", show=lambda n: "—" if n is None else n),
)


@click.group("round")
def round_() -> None:
    """考核轮次：开启、定稿（排名、等次、强制分布、档次）、查看。"""


@round_.command("open")
@click.argument("period")
@click.option("--scheme", "scheme_ref", required=True, help="方案 ID。")
@json_option
@pass_cli
def open_(obj: CliContext, period: str, scheme_ref: str) -> None:
    """开启一个考核期的轮次：该期用此方案的所有周期一起排名。

    \b
    示例:
      pdca round open 2024 --scheme jilin
    """
    r = obj.app().open_round(obj.acting, period, scheme_ref)
    data = {"period": r.period, "scheme": r.scheme_id}
    answer(obj.json, data, f"已开启考核轮次：{r.period}（方案 {r.scheme_id}）")


@round_.command()
@click.argument("period")
@click.option("--scheme", "scheme_id", help="该期有多个轮次时指定方案。")
@click.option("--reason", help="重新定稿（结果已发布后）必须写明理由。")
@click.option("--dry-run", is_flag=True, help="只算不记：列出定稿结果与相比上次发布的变化。")
@json_option
@pass_cli
def finalize(
    obj: CliContext, period: str, scheme_id: str | None, reason: str | None, dry_run: bool
) -> None:
    """定稿：所有周期须已进入处理阶段且完整（每个指标有得分或认定不适用、测评票达到法定数），
    否则拒绝并列出各周期所缺；计算总分、排名、等次、强制分布与档次并记录。
    已发布后再定稿会列出变化（谁、变多少）并记录。--dry-run 只预览，不记录。
    记录后随即记录一个锚点（写入 pdca.toml 中的锚点文件，未签名），并打印其校验码。

    \b
    示例:
      pdca round finalize 2024
      pdca round finalize 2024 --dry-run
      pdca round finalize 2024 --reason 更正市财政局暗访记录后重新定稿
    """
    result = obj.app().finalize_round(obj.acting, period, scheme_id, reason, dry_run=dry_run)
    if obj.json:
        emit_json(result)
        return
    if dry_run:
        title = f"预览（未记录）：{result['period']}（方案 {result['scheme']}），{len(result['outcomes'])} 个单位"
        show_table(OUTCOMES, result["outcomes"], title=title)
        if result["published"]:
            show_table(
                CHANGES,
                result["changes"],
                title="\n若重新定稿，与上次发布相比的变化：",
                empty="（无变化）",
            )
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
    if result.get("consequences"):
        # 考用结合: one event per unit, recorded with this finalisation.
        click.echo(f"\n结果运用已记录（{len(result['consequences'])} 个单位）：")
        for record in result["consequences"]:
            shown = [c["label"] for c in record["consequences"]]
            shown += [f"{c['label']} {c['points']}" for c in record["conversions"]]
            click.echo(f"  {record['unit']}：{'；'.join(shown) or '（无）'}")
    for revised in result.get("revised", []):
        click.echo(f"\n已修订读取本期结果的 {revised['period']} 轮次的结果运用（发布的总分不变）：")
        for c in revised["changes"]:
            moved = [f"新增 {x}" for x in c["added"]] + [f"撤销 {x}" for x in c["removed"]]
            click.echo(f"  {c['unit']}：{'；'.join(moved)}")
    if result.get("anchor"):
        a = result["anchor"]
        click.echo(f"\n已记录锚点 {a['anchor']}（未签名，写入 {a['file']}），校验码：{a['code']}")


@round_.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出考核轮次：各阶段周期数、是否已发布、何时由谁发布、发布了多少单位。

    \b
    示例:
      pdca round list
    """
    emit(ROUNDS, obj.app().round_summaries(), obj.json)


@round_.command()
@click.argument("period")
@click.option("--scheme", "scheme_id", help="该期有多个轮次时指定方案。")
@json_option
@pass_cli
def show(obj: CliContext, period: str, scheme_id: str | None) -> None:
    """一个考核轮次：概况、最近一次发布的结果与变化、当前不完整的周期，以及发布时就有缺项的周期。

    发布时有缺项：定稿检查完整性之前发布的轮次，把未记录的指标算作 0 分发布了；补记后须重新定稿（--reason）。

    \b
    示例:
      pdca round show 2024
      pdca round show 2017 --scheme gansu --json
    """
    app = obj.app()
    data = app.round_details(period, scheme_id)
    complete = app.round_completeness(period, scheme_id)
    if obj.json:
        emit_json(
            {
                **records(ROUNDS, [data])[0],
                **{k: data[k] for k in ("reason", "outcomes", "changes")},
                **{k: complete[k] for k in ("incomplete", "published_incomplete")},
            }
        )
        return
    show_table(ROUNDS, [data], title=f"考核轮次 {data['period']}（方案 {data['scheme']}）")
    if data["published"]:
        title = f"\n最近一次发布的结果（{len(data['outcomes'])} 个单位）："
        show_table(OUTCOMES, data["outcomes"], title=title)
        if data["changes"]:
            reason = f"（理由：{data['reason']}）" if data["reason"] else ""
            show_table(CHANGES, data["changes"], title=f"\n与前一次发布相比的变化{reason}：")
        _cycles_line(
            complete["published_incomplete"],
            "\n注意：发布时有 {n} 个周期缺项，所发布的分数不完整：",
            "\n发布时各周期均完整",
        )
    else:
        click.echo("未发布")
    _cycles_line(
        complete["incomplete"], "当前不完整的周期（{n} 个，定稿前须补齐）：", "当前各周期均完整"
    )


def _cycles_line(cycles: list[dict], some: str, none: str) -> None:
    """One line naming each cycle and what it lacks, or saying none lacks anything."""
    listed = "；".join(f"{c['cycle']}（{c['refused']}）" for c in cycles)
    click.echo(some.format(n=len(cycles)) + listed if cycles else none)
