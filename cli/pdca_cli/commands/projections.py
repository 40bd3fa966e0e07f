from __future__ import annotations

import signal
import time
from typing import Any

import click

from pdca.errors import RuleViolation
from pdca_cli._columns import Column, emit, joined, moment, show_table
from pdca_cli._context import CliContext, json_option, keep_a_pool, pass_cli
from pdca_cli._output import answer, emit_json
from pdca_cli._progress import progress

PROJECTIONS = (
    Column("name", "投影"),
    Column("source", "来源"),
    Column("tables", "表", show=joined),
    Column("version", "版本"),
    Column("title", "说明"),
)
STATUS = (
    Column("name", "投影"),
    Column("source", "来源"),
    Column("position", "位置"),
    Column("head", "最新"),
    Column("lag", "滞后"),
    Column("version", None),
    Column("updated_at", "更新时间", show=lambda at: moment(at) if at else "—"),
    Column("last_error", "最近错误", show=lambda error: error or "—"),
)
EVENT_TYPES = (
    Column(None, "事件类型", get=lambda item: item[0]),
    Column(None, "字段", get=lambda item: ", ".join(item[1])),
)


@click.group()
def projections() -> None:
    """投影（读模型）：列出、查看进度、重建、持续运行、新建、登记。

    \b
    内置投影：catalog、scores、ledger、rectifications；管理员可在工作区
    projections/ 目录下用 Python 文件定义自己的投影（pdca projections new 名称）。
    这些文件是受信任的代码：只有管理员的 rebuild/run 与工作进程运行它们，且须先
    登记（pdca projections register）；读取命令只读它们生成的表。
    """


@projections.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出全部投影：名称、来源、表、说明。

    \b
    示例:
      pdca projections list --json
    """
    from pdca.application import views

    emit(PROJECTIONS, views.projections(obj.app()), obj.json)


@projections.command()
@json_option
@pass_cli
def status(obj: CliContext) -> None:
    """每个投影的位置、事件日志最新位置、滞后、最近一次错误。

    \b
    示例:
      pdca projections status
    """
    from pdca.application import views

    emit(STATUS, views.status(obj.app()), obj.json)


def _report(obj: CliContext, verb: str, names: list[str], read: int, seconds: float) -> None:
    rate = f"，{read / seconds:,.0f} 事件/秒" if read and seconds > 0 else ""
    data = {"projections": names, "events": read, "seconds": round(seconds, 3)}
    answer(
        obj.json,
        data,
        f"已{verb} {'、'.join(names)}：读取 {read:,} 个事件，用时 {seconds:.2f} 秒{rate}",
    )


@projections.command()
@click.argument("names", nargs=-1)
@click.option("--all", "every", is_flag=True, help="重建全部投影。")
@json_option
@pass_cli
def rebuild(obj: CliContext, names: tuple[str, ...], every: bool) -> None:
    """从第一个事件起重放整个历史，建好新表后一次换入。

    建好之前（以及出错时）查询照常读原有的表，位置不变。

    中断（Ctrl-C、进程被杀）后已提交的批次保留：pdca projections run 名称 从断点继续。

    \b
    示例:
      pdca projections rebuild scores ledger
      pdca projections rebuild --all
    """
    if not names and not every:
        raise RuleViolation("请给出要重建的投影名称，或用 --all 重建全部")
    from pdca.application import views

    app = obj.app()
    chosen = views.chosen(app, names, every)
    started = time.monotonic()
    with progress("重建 " + "、".join(chosen), views.log_head(app)) as update:
        read = views.rebuild(app, obj.acting, chosen, lambda done, head: update(done, head))
    _report(obj, "重建", chosen, read, time.monotonic() - started)


@projections.command()
@click.argument("names", nargs=-1)
@click.option(
    "--follow",
    is_flag=True,
    callback=keep_a_pool,
    help="追上后继续跟随新事件，直到 Ctrl-C 或 SIGTERM。",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=0.5,
    show_default=True,
    help="跟随时查询新事件的间隔（秒）。",
)
@json_option
@pass_cli
def run(obj: CliContext, names: tuple[str, ...], follow: bool, interval: float) -> None:
    """从各投影记录的位置继续，追上事件日志（不给名称则全部）。

    多个 run --follow 可以同时运行在不同机器上：每批先锁住投影的位置再读取，
    同一事件不会被处理两次。

    \b
    示例:
      pdca projections run
      pdca projections run scores ledger --follow
    """
    from pdca.application import views

    app = obj.app()
    chosen = views.chosen(app, names, False)
    started = time.monotonic()
    if not follow:
        with progress("追赶 " + "、".join(chosen), views.log_head(app)) as update:
            read = views.catch_up(app, obj.acting, chosen, lambda done, head: update(done, head))
        _report(obj, "追上", chosen, read, time.monotonic() - started)
        return
    stopping = {"now": False}

    def stop(*_: Any) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not obj.json:
        click.echo(
            f"跟随 {'、'.join(chosen)}（每 {interval:g} 秒查询新事件；Ctrl-C 停止）", err=True
        )

    def tell(position: int, head: int) -> None:
        if not obj.json:
            click.echo(f"已处理至事件 {position:,}（最新 {head:,}）", err=True)

    read = views.follow(app, obj.acting, chosen, interval, lambda: stopping["now"], tell)
    _report(obj, "跟随", chosen, read, time.monotonic() - started)


@projections.command()
@click.argument("name")
@pass_cli
def new(obj: CliContext, name: str) -> None:
    """在工作区 projections/ 下生成一个可直接运行、带注释的投影文件。

    \b
    示例:
      pdca projections new grid_summary
    """
    from pdca.application import views

    views.check_name(name)  # before the database is opened
    path = views.new_projection(obj.app(), obj.acting, name)
    click.echo(f"已生成并登记 {path}")
    click.echo(f"改好后运行：pdca projections rebuild {name} && pdca view {name}")


@projections.command()
@json_option
@pass_cli
def register(obj: CliContext) -> None:
    """登记 projections/ 下每个文件的摘要（管理员）：核对过的文件才会被运行。

    投影文件是 Python 代码，以管理员的数据库连接运行：能改 projections/ 的人就能以管理员身份运行代码。

    任何文件改动、新增或删除后，rebuild/run 与工作进程都拒绝运行，直到管理员核对并重新登记。

    \b
    示例:
      pdca projections register
    """
    from pdca.application import projection_files

    done = projection_files.register(obj.app(), obj.acting)
    changes = "；".join(f"{path} {how}" for path, how in done.changed) or "与上次登记相同"
    answer(
        obj.json,
        {"files": done.files, "changed": [{"file": p, "change": h} for p, h in done.changed]},
        f"已登记 projections/ 下 {len(done.files)} 个文件（{changes}）",
    )


@projections.command()
@json_option
@pass_cli
def events(obj: CliContext) -> None:
    """列出投影可处理的事件类型及其字段（写投影时 fact["字段"] 可读的内容）。

    \b
    示例:
      pdca projections events
    """
    from pdca.application import views

    fields = views.event_fields()
    if obj.json:
        emit_json(fields)  # a mapping: event type → its fields
        return
    show_table(EVENT_TYPES, fields.items())
