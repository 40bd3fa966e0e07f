from __future__ import annotations

import click

from pdca.application import labels
from pdca_cli._columns import Column, emit, records
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import emit_json_streaming

#: Exit code when tampering is found (README, exit codes).
TAMPERED = 8

HEADS = (
    Column("aggregate", None, get="label"),
    Column("id", None, get=lambda a: str(a.id)),
    Column("events", None),
    Column("digest", None, get="head_digest"),
)
#: One row per tampered position: (the aggregate's check, the tampering found).
PROBLEMS = (
    Column("aggregate", "聚合", get=lambda p: p[0].label),
    Column("id", None, get=lambda p: str(p[0].id)),
    Column("position", "位置", get=lambda p: p[1].position),
    Column("kind", None, get=lambda p: p[1].kind),
    Column("label", "篡改", get=lambda p: labels.tamper_kind(p[1].kind)),
    Column("detail", "说明", get=lambda p: p[1].detail),
)
#: Attachments whose bytes an admin purged (pdca evidence purge): reported, not tampering.
PURGED = (
    Column("digest", "摘要"),
    Column("name", "文件名"),
    Column("aggregate", "所属"),
    Column("position", "事件号"),
)


@click.command()
@click.argument("address", metavar="[CYCLE]", required=False)
@click.option("--all", "everything", is_flag=True, help="校验库中全部事件（不给周期时即如此）。")
@click.option(
    "--anchors",
    "anchors_file",
    help="再与库外的锚点文件比对：列出每个锚点之后被修改、删除或插入的聚合（校验全部历史）。",
)
@click.option("--keyring", help="钥匙串（TOML）：核验锚点的签名；未签名的锚点会注明。")
@click.option(
    "--code",
    help="核对打印的校验码（如 12-3f2a-9c01-7b44-0e1d-55aa）；与 --anchors 同用时也核对文件。",
)
@json_option
@pass_cli
def verify(
    obj: CliContext,
    address: str | None,
    everything: bool,
    anchors_file: str | None,
    keyring: str | None,
    code: str | None,
) -> None:
    """校验历史是否被篡改：重算每个事件的链摘要，并与定稿时发布的摘要比对；给出 --anchors 时再与库外锚点文件比对。只读。

    逐个聚合、逐个位置列出被修改、删除、调换位置或插入的事件，以及内容与摘要不符或缺失的附件
    （已清除的附件另行列出，不算篡改）；无篡改时退出码 0，发现篡改（或校验码不符）时退出码 8。

    \b
    示例:
      pdca verify 市财政局/2024
      pdca verify --all --json
      pdca verify --anchors anchors.jsonl --keyring keyring.toml
      pdca verify --code 12-3f2a-9c01-7b44-0e1d-55aa
    """
    if address and everything:
        raise click.UsageError("给出周期时不能再用 --all；二者选一")
    if address and (anchors_file or code):
        raise click.UsageError("--anchors 与 --code 校验全部历史，不能与周期同用")
    if keyring and not anchors_file:
        raise click.UsageError("--keyring 用于核验锚点文件的签名，须与 --anchors 同用")
    if code:
        from pdca_cli._anchors import check_code

        check_code(obj, code, anchors_file)
        return
    report = obj.app().verify_history(address, anchors_file)
    signatures = None
    if anchors_file:
        from pdca_cli._anchors import signature_rows

        signatures = signature_rows(anchors_file, keyring)
    outside_bad = _outside_problems(report, signatures)
    clean = report.clean and not outside_bad
    if obj.json:
        data = {
            "clean": clean,
            "aggregates": len(report.aggregates),
            "events": report.events,
            "anchors": report.anchors,
            "heads": None,  # one per aggregate: written as they are read, below
            "problems": records(PROBLEMS, report.problems),
        }
        if report.attachments:  # a history without attachments answers as before
            data["attachments"] = report.attachments
            data["purged_attachments"] = records(PURGED, report.purged)
        if report.outside is not None:
            data["anchors_file"] = {
                "file": report.outside.file,
                "anchors": report.outside.anchors,
                "declared_restore": report.outside.declared,
                "damaged": report.outside.damaged,
                "signatures": signatures,
            }
        heads = (record for check in report.aggregates for record in records(HEADS, [check]))
        emit_json_streaming(data, "heads", heads)
    else:
        scope = f"已校验 {len(report.aggregates)} 个聚合、{report.events} 个事件、{report.anchors} 个已发布摘要"
        if report.attachments:
            scope += f"、{report.attachments} 个附件"
        if report.outside is not None:
            scope += f"、锚点文件中 {report.outside.anchors} 个锚点"
        if report.clean:
            click.echo(f"{scope}：未发现篡改")
        else:
            emit(
                PROBLEMS,
                report.problems,
                False,
                title=f"{scope}：发现 {len(report.problems)} 处篡改",
            )
        if report.purged:
            emit(
                PURGED,
                report.purged,
                False,
                title=f"已清除内容的附件 {len(report.purged)} 个（有清除记录，不是缺失）",
            )
        if report.outside is not None:
            from pdca_cli._anchors import show_outside

            show_outside(report.outside, signatures or [])
    if not clean:
        click.get_current_context().exit(TAMPERED)


def _outside_problems(report: object, signatures: list[dict[str, object]] | None) -> bool:
    """An anchors file altered (a line its digest disowns, a bad or untrusted signature)."""
    outside = getattr(report, "outside", None)
    if outside is None:
        return False
    from pdca_cli._anchors import TRUSTED

    return bool(outside.damaged) or any(s["status"] not in TRUSTED for s in signatures or [])
