from __future__ import annotations

import sys

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json, emit_table


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
        "stages": [{"id": st.id, "label": st.full_label, "phase": st.phase} for st in s.stages],
        "triggers": [
            {
                "name": t.name,
                "label": t.label,
                "source": list(t.sources),
                "dest": t.dest,
                "guards": list(t.guards),
            }
            for t in s.triggers
        ],
        "warnings": list(s.warnings),
    }


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
    schemes = workspace.schemes()
    if obj.json:
        emit_json(
            [
                {"id": s.id, "version": s.version, "name": s.name, "digest": s.digest}
                for s in schemes
            ]
        )
        return
    emit_table(
        ["方案", "版本", "名称", "阶段", "摘要"],
        [
            [s.id, s.version, s.name, "→".join(st.full_label for st in s.stages), s.digest[:12]]
            for s in schemes
        ],
    )
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
    emit_table(
        ["触发器", "名称", "从", "到", "守卫"],
        [
            [
                t.name,
                t.label,
                "、".join(s.stage_label(x) for x in t.sources),
                s.stage_label(t.dest),
                "、".join(t.guards),
            ]
            for t in s.triggers
        ],
    )


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
    from pdca.application.inputs import load_scheme

    s = load_scheme(file, sys.stdin.buffer)
    if obj.json:
        emit_json({"valid": True, **_scheme_json(s)})
        return
    click.echo(f"方案有效：{s.ref}（{len(s.stages)} 个阶段，{len(s.triggers)} 个触发器）")
    for warning in s.warnings:
        click.echo(f"警告：{warning}")
