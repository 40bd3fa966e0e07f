from __future__ import annotations

import sys
from typing import Any

import click

from pdca_cli._columns import Column, Listing, emit, joined, records, show_table
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json

SCHEMES = (
    Column("id", "方案"),
    Column("version", "版本"),
    Column("name", "名称"),
    Column(None, "阶段", get=lambda s: "→".join(st.full_label for st in s.stages)),
    Column("digest", "摘要", show=lambda digest: digest[:12]),
)
STAGES = (
    Column("id", None),
    Column("label", None, get="full_label"),
    Column("phase", None),
)


@click.group()
def scheme() -> None:
    """考核方案（工作流定义）：列出、查看、校验。"""


def _scheme_json(s) -> dict:  # type: ignore[no-untyped-def]
    return {
        "id": s.id,
        "version": s.version,
        "name": s.name,
        "source": s.source,
        "digest": s.digest,
        "initial": s.initial,
        "stages": records(STAGES, s.stages),
        "triggers": records(_triggers(s), s.triggers),
        "warnings": list(s.warnings),
    }


def _triggers(s: Any) -> Listing:
    """A scheme's triggers: the JSON names stages by id, the table by their labels."""
    return (
        Column("name", "触发器"),
        Column("label", "名称"),
        Column("source", None, get=lambda t: list(t.sources)),
        Column(None, "从", get=lambda t: joined(s.stage_label(x) for x in t.sources)),
        Column("dest", None),
        Column(None, "到", get=lambda t: s.stage_label(t.dest)),
        Column("guards", "守卫", get=lambda t: list(t.guards), show=joined),
    )


@scheme.command("list")
@json_option
@pass_cli
def list_(obj: CliContext) -> None:
    """列出工作区 workflows/ 中的方案。

    \b
    Example:
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
    """显示一个方案的阶段与触发器（ID 或 ID@版本）。

    \b
    Example:
      pdca scheme show jilin
    """
    s = obj.workspace().scheme(scheme_ref)
    if obj.json:
        emit_json(_scheme_json(s))
        return
    click.echo(f"{s.name}（{s.ref}，摘要 {s.digest[:12]}）")
    if s.source:
        click.echo(f"依据：{s.source}")
    click.echo("阶段：" + " → ".join(st.full_label for st in s.stages))
    show_table(_triggers(s), s.triggers)


@scheme.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
@pass_cli
def validate(obj: CliContext, file: str) -> None:
    """校验一个方案文件，列出所有问题及其位置（文件、键）。

    FILE 为 - 时读标准输入。

    \b
    Example:
      pdca scheme validate workflows/jilin.toml
    """
    from pdca.application.input_files import load_scheme

    s = load_scheme(file, sys.stdin.buffer)
    if obj.json:
        emit_json({"valid": True, **_scheme_json(s)})
        return
    click.echo(f"方案有效：{s.ref}（{len(s.stages)} 个阶段，{len(s.triggers)} 个触发器）")
    for warning in s.warnings:
        click.echo(f"警告：{warning}")
