"""``pdca verify``'s answers about anchors: signatures by the keyring, what an anchors
file added, and a printed 校验码 checked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pdca_cli._output import emit_json

if TYPE_CHECKING:
    from pdca.application.verifying import OutsideCheck
    from pdca_cli._context import CliContext

#: Signature states that are not a finding: a good signature, an anchor not signed yet
#: (named as such), and one signed but not checked (no keyring given).
TRUSTED = frozenset({"signed", "unsigned", "unchecked"})


def signature_rows(anchors_file: str, keyring: str | None) -> list[dict[str, Any]]:
    from pdca.application import signing

    return signing.file_statuses(Path(anchors_file), Path(keyring) if keyring else None)


def show_outside(outside: OutsideCheck, signatures: list[dict[str, Any]]) -> None:
    if outside.damaged:
        numbers = "、".join(map(str, outside.damaged))
        click.echo(f"锚点文件 {outside.file} 中锚点 {numbers} 的内容与其摘要不符：文件被改动过")
    if outside.declared:
        click.echo(
            f"已声明的从备份恢复：{len(outside.declared)} 个聚合与恢复前的锚点不同，"
            "由其后的恢复锚点说明（见 docs/anchors.md）"
        )
    groups: dict[str, list[str]] = {}
    for s in signatures:
        groups.setdefault(s["label"], []).append(str(s["anchor"]))
    if groups:
        parts = [f"{label} {'、'.join(numbers)}" for label, numbers in groups.items()]
        click.echo("锚点签名：" + "；".join(parts))


def check_code(obj: CliContext, code: str, anchors_file: str | None) -> None:
    found = obj.app().check_code(code, anchors_file)
    if obj.json:
        emit_json(found)
    elif found["matches"]:
        when = f"，{found['taken_at']} 记录，截至日志第 {found['log_head']} 号事件"
        click.echo(f"校验码 {found['code']} 与第 {found['anchor']} 号锚点相符{when}")
    elif found["in_database"] is None:
        click.echo(f"校验码 {found['code']} 不符：库中没有第 {found['anchor']} 号锚点")
    else:
        differs = [f"库中为 {found['in_database']}"]
        if "in_file" in found:
            shown = found["in_file"] or "（无此锚点）"
            intact = "" if found.get("file_intact") else "，且该行内容与其摘要不符"
            differs.append(f"锚点文件中为 {shown}{intact}")
        click.echo(f"校验码 {found['code']} 不符：{'；'.join(differs)}")
    if not found["matches"]:
        click.get_current_context().exit(8)
