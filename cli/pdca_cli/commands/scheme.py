from __future__ import annotations

import sys
from typing import Any

import click

from pdca_cli._columns import Column, Listing, emit, joined, or_blank, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json

SCHEMES = (
    Column("id", "方案"),
    Column("version", "版本"),
    Column("name", "名称"),
    Column(None, "阶段", get=lambda s: "→".join(st.full_label for st in s.stages)),
    Column("digest", "摘要", show=lambda digest: digest[:12]),
)


@click.group()
def scheme() -> None:
    """考核方案（工作流定义）：列出、查看、校验。"""


def _triggers(s: dict[str, Any]) -> Listing:
    """A scheme's triggers: the JSON names stages by id, the table by their labels."""
    label = {st["id"]: st["label"] for st in s["stages"]}
    return (
        Column("name", "触发器"),
        Column("label", "名称"),
        Column(None, "从", get=lambda t: joined(label.get(x, x) for x in t["source"])),
        Column(None, "到", get=lambda t: label.get(t["dest"], t["dest"])),
        Column("guards", "守卫", show=joined),
    )


def percent(value: Any) -> str:
    return f"{value}%"


COMPONENTS = (
    Column("id", "组成部分"),
    Column("label", "名称"),
    Column("weight", "权重", show=percent),
    Column("source_label", "来源"),
    Column("missing_label", "无记录时"),
    Column("categories", "汇总类别", show=joined),
)
ITEMS = (
    Column("category", "类别"),
    Column("id", "指标"),
    Column("label", "名称"),
    Column("max", "分值"),
    Column("rule_label", "规则"),
    Column("rule_text", "计分方法"),
)
GROUPS = (
    Column("id", "评议群体"),
    Column("label", "名称"),
    Column("weight", "权重", show=percent),
)
BALLOT_ITEMS = (
    Column("id", "测评项目"),
    Column("label", "名称"),
    Column("max", "分值"),
)
INDICATORS = (
    Column("id", "台账指标"),
    Column("label", "名称"),
    Column("max", "满分"),
    Column(None, "单条分值", get=lambda i: f"{i['min_points']} 至 {i['max_points']}"),
    Column("per_open_carried", "每个结转未销号问题", show=lambda v: v if v != "0" else ""),
)
VETOES = (
    Column("id", "否决规则"),
    Column("label", "名称"),
    Column(None, "效果", get=lambda v: f"{v['effect_label']}{v['grade']}"),
    Column("auto_indicator", "自动触发（台账指标）", show=or_blank),
)
GRADES = (
    Column("id", "等次"),
    Column("label", "名称"),
    Column("min", "分数下限"),
)
QUOTAS = (
    Column("grades", "等次", show=joined),
    Column("max_share", "最多占比", show=percent),
    Column("rounding", "人数取整"),
)
TEAMS = (
    Column("id", "督查组"),
    Column("label", "名称"),
    Column(None, "联系片", get=lambda t: "、".join(t["grids"]) or "—"),
    Column(None, "单位类别", get=lambda t: "、".join(t["categories"]) or "—"),
)
TIERS = (
    Column("id", "档次"),
    Column("label", "名称"),
    Column(
        None,
        "划定方法",
        get=lambda t: (
            f"名次前 {t['top_share']}%" if t["top_share"] is not None else f"总分 ≥ {t['min']}"
        ),
    ),
)
ROLL_UPS = (
    Column("component", "组成部分"),
    Column("label", "名称"),
    Column("weight", "权重", show=percent),
    Column("periods", "汇总各期", show=joined),
    Column("rule_text", "汇总方法"),
)
CONVERSIONS = (
    Column("id", "折算"),
    Column("label", "名称"),
    Column(
        None,
        "按单位类别折算分值",
        get=lambda c: "、".join(f"{k} {v}" for k, v in c["by_category"].items()),
    ),
    Column("rule_text", "折算方法"),
)
CONSEQUENCES = (
    Column("id", "结果运用"),
    Column("label", "名称"),
    Column("conditions", "条件"),
    Column("amount", "金额", show=or_blank),
)
ROUND_AT = {"total": "只在总分", "component": "各组成部分与总分"}
RANK_BY = {"round": "全轮次一起排名", "category": "按单位类别分别排名"}
SCOPE = {"round": "全轮次", "category": "按单位类别"}
ROUNDING = {"floor": "向下取整", "half_up": "四舍五入", "ceil": "向上取整"}


AREAS = (
    Column("id", "大类"),
    Column("label", "名称"),
    Column(None, "类别", get=lambda a: str(len(a["categories"]))),
    Column("items", "项"),
)


def _with_points(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row, then its scored 采分点 (format 3) as rows of their own, ``ITEM.POINT``."""
    out = []
    for row in rows:
        out.append(row)
        if row.get("scored_points", "points" in row and "rule" not in row):
            out += [
                {
                    **row,
                    "id": f"{row['id']}.{p['id']}",
                    "label": f"└ {p['label']}",
                    "max": p["max"],
                    "rule_label": "采分点",
                    "rule_text": "记录值即得分",
                }
                for p in row["points"]
            ]
    return out


def _section(title: str, listing: Listing, rows: list[Any]) -> None:
    """One part of the scheme: a blank line, then its table under its title; nothing when
    the scheme has nothing of the kind."""
    if rows:
        click.echo()
        show_table(listing, rows, title=title)


def _show(s: dict[str, Any]) -> None:
    """The whole scheme, part by part, for people (``pdca scheme show``)."""
    click.echo(f"{s['name']}（{s['id']}@{s['version']}，摘要 {s['digest'][:12]}）")
    if s["source"]:
        click.echo(f"依据：{s['source']}")
    click.echo("阶段：" + " → ".join(st["label"] for st in s["stages"]))
    for st in s["stages"]:  # sub-stages that bind (format 3)
        if "records" in st:
            click.echo(f"  {st['label']}只记录：{st['records_label'] or '（无）'}")
        if st.get("approver_outside_team"):
            click.echo(f"  {st['label']}须由该单位考核组以外的人审定（离开本阶段）")
    show_table(_triggers(s), s["triggers"])
    if not s["components"]:
        click.echo()
        click.echo("本方案没有计分内容（[[components]]）。")
        return
    sc = s["scoring"]
    labels = {f"component:{c['id']}": f"{c['label']}（{c['id']}）" for c in s["components"]}
    ties = joined(labels.get(t, t) for t in sc["tie_break"]) or "无（同分者名次并列）"
    click.echo()
    click.echo(
        f"计分：各组成部分按 0–{sc['scale']} 计分后加权；{ROUND_AT[sc['round_at']]}四舍五入到 "
        f"{sc['precision']}；{RANK_BY[sc['rank_by']]}；同分时依次比较：{ties}"
    )
    _section("组成部分", COMPONENTS, s["components"])
    items = [{**i, "category": c["label"]} for c in s["catalog"] for i in c["items"]]
    _section("指标体系大类", AREAS, s.get("areas", []))
    _section(f"指标体系（{len(s['catalog'])} 个类别，{len(items)} 项）", ITEMS, _with_points(items))
    ballot = s["ballot"]
    if ballot is not None:
        trim = "去掉一个最高分和一个最低分，" if ballot["trim"] else ""
        title = f"测评票（满分 {ballot['max']}；{trim}每个群体至少 {ballot['quorum']} 张票）"
        _section(title, BALLOT_ITEMS, _with_points(ballot["items"]))
        _section("评议群体", GROUPS, ballot["groups"])
    ledger = s["ledger"]
    title = f"台账指标（来源：{joined(ledger['sources'])}）"
    _section(title, INDICATORS, ledger["indicators"])
    quality = s["tasks"]["quality"]
    if quality:
        click.echo()
        click.echo("任务质量系数：" + joined(f"{q['label']} {q['factor']}" for q in quality))
    adjustments = s["adjustments"]
    if adjustments["bonus_cap"] != "0" or adjustments["deduction_cap"] is not None:
        click.echo()
        click.echo(
            f"加分上限 {adjustments['bonus_cap']}，扣分上限 {adjustments['deduction_cap'] or '不限'}"
        )
    _section("一票否决", VETOES, s["vetoes"])
    _section("等次", GRADES, s["grades"])
    quotas = [
        {**q, "rounding": ROUNDING.get(q["rounding"], q["rounding"])}
        for q in s["distribution"]["quotas"]
    ]
    _section(f"强制分布配额（{SCOPE[s['distribution']['scope']]}）", QUOTAS, quotas)
    _section("档次", TIERS, s["tiers"])
    _section("汇总（各期结果汇入年度）", ROLL_UPS, s.get("roll_ups", []))
    _section("折算（定稿时记录）", CONVERSIONS, s.get("conversions", []))
    _section("结果运用（考用结合，定稿时按单位记录）", CONSEQUENCES, s.get("consequences", []))
    if s.get("teams"):
        _section("督查组（pdca account team ID --scheme 方案）", TEAMS, s["teams"])
    rect = s["rectification"]
    steps = joined(f"逾期 {e['after_days']} 天起{e['measure']}" for e in rect["escalation"])
    if s.get("unit_steps"):
        click.echo()
        click.echo("单位步骤（pdca step record，单位填报员只能为本单位提交）：")
        for u in s["unit_steps"]:
            needs = "，须工委审核" if u["approval"] else ""
            required = "必需，定稿前须完成" if u["required"] else "可选"
            click.echo(f"  {u['label']}（{u['id']}）：{u['stage_label']}提交{needs}；{required}")
    click.echo()
    click.echo(f"整改督办：期限前 {rect['near_days']} 天提示临近；{steps}")
    for warning in s["warnings"]:
        click.echo(f"警告：{warning}")


@scheme.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出工作区 workflows/ 中的方案。

    \b
    示例:
      pdca scheme list --json
    """
    workspace = obj.workspace()
    emit(SCHEMES, workspace.schemes(), obj.json)
    if not obj.json:
        for name in workspace.invalid_files():
            click.echo(f"无效：{name}（pdca scheme validate {workspace.workflows_dir / name}）")


@scheme.command()
@click.argument("scheme_ref", metavar="ID")
@json_option
@pass_cli
def show(obj: CliContext, scheme_ref: str) -> None:
    """显示一个方案的全部内容（ID 或 ID@版本）：阶段与触发器、组成部分与权重、指标体系、
    测评票的群体与项目、台账指标、一票否决、等次、配额与档次、汇总、折算与结果运用。
    各项的 ID 与名称在命令中通用。

    \b
    示例:
      pdca scheme show jilin
      pdca scheme show gansu --json
    """
    from pdca.application.scheme_contents import contents

    s = contents(obj.workspace().scheme(scheme_ref))
    if obj.json:
        emit_json(s)
        return
    _show(s)


@scheme.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
@pass_cli
def validate(obj: CliContext, file: str) -> None:
    """校验一个方案文件，列出所有问题及其位置（文件、键）。

    FILE 为 - 时读标准输入。

    \b
    示例:
      pdca scheme validate workflows/jilin.toml
    """
    from pdca.application.input_files import load_scheme
    from pdca.application.scheme_contents import contents

    s = load_scheme(file, sys.stdin.buffer)
    if obj.json:
        emit_json({"valid": True, **contents(s)})
        return
    click.echo(f"方案有效：{s.ref}（{len(s.stages)} 个阶段，{len(s.triggers)} 个触发器）")
    for warning in s.warnings:
        click.echo(f"警告：{warning}")


@scheme.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, help="写出的方案文件，如 workflows/x.toml。")
@click.option("--id", "scheme_id", help="方案 ID（默认取输出文件名）。")
@click.option("--name", help="方案名称（默认同 ID）。")
@json_option
@pass_cli
def import_(
    obj: CliContext, file: str, output: str, scheme_id: str | None, name: str | None
) -> None:
    """把考核细则表（.xlsx 或 CSV，每行一个评分项：类别、评分项、分值、计分规则、采分点……；格式见 docs/细则导入.md）转成方案文件，供管理员补全。

    生成的文件先经校验，校验通过才写出；列出细则表没有、须手工补全的内容。

    \b
    示例:
      pdca scheme import 细则.xlsx -o workflows/x.toml
    """
    from pathlib import Path

    from pdca.application.scheme_import import scheme_text
    from pdca.application.sheet_files import read_sheets
    from pdca.reports.output import check_target, write_document

    check_target(output)
    sid = scheme_id or Path(output).stem
    _, sheets = read_sheets(file, sys.stdin.buffer)
    text, catalogue = scheme_text(sheets, sid, name or sid)
    write_document(output, lambda binary: binary.write(text.encode("utf-8")), sys.stdout.buffer)
    count = sum(len(c["items"]) for c in catalogue.categories.values())
    if obj.json:
        emit_json(
            {
                "output": output,
                "areas": len(catalogue.areas),
                "categories": len(catalogue.categories),
                "items": count,
                "gaps": catalogue.gaps,
            }
        )
        return
    click.echo(
        f"已生成方案 {output}：{len(catalogue.areas)} 个重点、{len(catalogue.categories)} 个类别、"
        f"{count} 个评分项；须手工补全："
    )
    for gap in catalogue.gaps:
        click.echo(f"  {gap}")
