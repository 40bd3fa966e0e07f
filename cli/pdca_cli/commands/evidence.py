from __future__ import annotations

from typing import Any

import click

from pdca_cli._columns import moment
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer, emit_json, emit_table


@click.group()
def evidence() -> None:
    """附件（印证资料）：按摘要查看、取出，管理员可清除其内容。"""


def _data(info: Any) -> dict[str, Any]:
    return {
        "digest": info.digest,
        "name": info.name,
        "size": info.size,
        "media_type": info.media_type,
        "status": info.status,
        "purge": info.purge,
        "uses": [
            {
                "aggregate": u.aggregate,
                "id": str(u.aggregate_id),
                "position": u.position,
                "type": u.type,
                "recorded_at": u.recorded_at,
                "actor": u.actor,
                "name": u.name,
            }
            for u in info.uses
        ],
    }


@evidence.command()
@click.argument("digest")
@json_option
@pass_cli
def show(obj: CliContext, digest: str) -> None:
    """一个附件：文件名、大小、类型、内容是否完好（或已清除），以及附有它的每个事件。

    DIGEST 为 SHA-256 摘要，或其前 8 位以上。

    \b
    示例:
      pdca evidence show 3f2a9c017b44
      pdca evidence show 3f2a9c017b440e1d55aa --json
    """
    from pdca.application import labels

    info = obj.app().evidence(digest)
    if obj.json:
        emit_json(_data(info))
        return
    click.echo(f"附件 {info.name}：{info.size} 字节，{info.media_type}")
    click.echo(f"摘要 {info.digest}：{info.status_label}")
    if info.purge:
        p = info.purge
        click.echo(f"清除：{p['actor']}，{moment(p['recorded_at'])}，理由：{p['reason']}")
    rows = [
        (u.aggregate, u.position, labels.event_type(u.type), moment(u.recorded_at), u.actor, u.name)
        for u in info.uses
    ]
    emit_table(("所属", "事件号", "类型", "记录时间", "操作人", "文件名"), rows)


@evidence.command()
@click.argument("digest")
@click.option("-o", "--output", "target", required=True, help="写到此文件（- 为标准输出）。")
@pass_cli
def get(obj: CliContext, digest: str, target: str) -> None:
    """取出附件的原始内容（已核对摘要）写到文件。

    \b
    示例:
      pdca evidence get 3f2a9c017b44 -o 暗访记录.pdf
    """
    import sys

    from pdca.reports.output import STDOUT, check_target, write_document

    if target != STDOUT:
        check_target(target)
    info, data = obj.app().evidence_bytes(digest)
    write_document(target, lambda out: out.write(data), sys.stdout.buffer)
    if target != STDOUT:
        click.echo(f"已取出附件 {info.name}（{info.size} 字节）到 {target}", err=True)


@evidence.command()
@click.argument("digest")
@click.option("--reason", required=True, help="清除理由（如：暗访记录含个人信息）。")
@json_option
@pass_cli
def purge(obj: CliContext, digest: str, reason: str) -> None:
    """清除附件的内容（管理员）：记为一个事件，写明谁、何时、为何；附有它的事件仍记着它的摘要，
    pdca verify 报告它“已清除”，而不是缺失。

    \b
    示例:
      pdca evidence purge 3f2a9c017b44 --reason 暗访记录含个人信息
    """
    info = obj.app().purge_evidence(obj.acting, digest, reason)
    data = {"digest": info.digest, "name": info.name, "status": info.status}
    answer(obj.json, data, f"已清除附件 {info.name}（摘要 {info.digest[:12]}）的内容")
