from __future__ import annotations

from pathlib import Path

import click

from pdca_cli._context import CliContext, _set_request_id, json_option, pass_cli
from pdca_cli._output import answer


@click.group(invoke_without_command=True)
@click.option("-o", "--output", help="追加到此锚点文件（默认 pdca.toml 中 [anchors] file）。")
@click.option("--note", default="", help="说明（记入锚点与历史），如 年度定稿后存档。")
@click.option(
    "--restore",
    is_flag=True,
    help="声明数据库刚从备份恢复（须用 --note 写明哪份备份）：此前锚点与现状的差异记为已声明的恢复。",
)
@click.option(
    "--request-id",
    expose_value=False,
    callback=_set_request_id,
    help="请求号：重试（如网络错误后）时用同一请求号，不会重复记录，答复与第一次相同。",
)
@json_option
@click.pass_context
def anchor(ctx: click.Context, output: str | None, note: str, restore: bool) -> None:
    """锚点：把全部历史此刻的状态（日志位置、每个聚合的链头摘要及总摘要）追加到库外的锚点文件，并记为事件。

    之后 pdca verify --anchors 文件 能发现锚点之后被修改、删除或插入的任何聚合。
    锚点编号连同摘要前 20 位即打印在导出与报告上的校验码。不带子命令即记录一个锚点。

    \b
    示例:
      pdca anchor
      pdca anchor -o /mnt/存档/anchors.jsonl --note 年度定稿后存档
      pdca anchor --restore --note 从备份恢复：2025-03-01夜间备份
    """
    if ctx.invoked_subcommand is not None:
        return  # ``anchor sign`` / ``anchor keygen``: no anchor is taken
    obj = ctx.ensure_object(CliContext)

    def take() -> None:
        result = obj.app().take_anchor(obj.acting, note, restore, output)
        declared = "（声明：从备份恢复）" if result["restore"] else ""
        answer(
            obj.json,
            result,
            f"已记录锚点 {result['anchor']}{declared}：{result['aggregates']} 个聚合，"
            f"截至日志第 {result['log_head']} 号事件，写入 {result['file']}（未签名）\n"
            f"校验码：{result['code']}",
        )

    obj.run(ctx, take)


@anchor.command()
@click.option("--key", "key_file", required=True, help="签名私钥文件（Ed25519，PEM）。")
@click.option("-f", "--file", "file", help="锚点文件（默认 pdca.toml 中 [anchors] file）。")
@json_option
@pass_cli
def sign(obj: CliContext, key_file: str, file: str | None) -> None:
    """用私钥（Ed25519）为锚点文件中尚未签名的锚点签名，签名追加在文件末尾。由密钥保管人执行，无需连接数据库。

    \b
    示例:
      pdca anchor sign --key ~/锚点签名.pem -f anchors.jsonl
    """
    from datetime import UTC, datetime

    from pdca.application import signing

    path = Path(file) if file else obj.workspace().anchors_file
    now = datetime.now(UTC).isoformat(timespec="seconds")
    kid, signed = signing.sign(path, Path(key_file), now)
    numbers = "、".join(map(str, signed))
    answer(
        obj.json,
        {"file": str(path), "key_id": kid, "signed": signed},
        f"已用密钥 {kid} 签名 {len(signed)} 个锚点{('：' + numbers) if signed else '（没有待签的锚点）'}",
    )


@anchor.command()
@click.option("--key", "key_file", required=True, help="新私钥写到此文件（已存在则拒绝）。")
@click.option("--keyring", required=True, help="公钥追加到此钥匙串（TOML），供 verify 核验。")
@click.option("--valid-from", help="密钥启用之日（YYYY-MM-DD，默认本机的今天）。")
@json_option
@pass_cli
def keygen(obj: CliContext, key_file: str, keyring: str, valid_from: str | None) -> None:
    """生成锚点签名密钥对（Ed25519）：私钥只给密钥保管人，公钥连同启用日期追加到钥匙串。

    换用新密钥时再生成一对，并在钥匙串中给旧密钥写上 valid_until（停用之日）；
    旧密钥签过的锚点仍可核验。

    \b
    示例:
      pdca anchor keygen --key ~/锚点签名.pem --keyring keyring.toml
    """
    from datetime import date

    from pdca.application import signing
    from pdca_cli._parse import parse_date

    # The key holder's own day: keygen needs no database (nor its zone).
    start = parse_date(valid_from, "启用日期") if valid_from else date.today()
    kid = signing.keygen(Path(key_file), Path(keyring), start)
    answer(
        obj.json,
        {"key_id": kid, "key": key_file, "keyring": keyring, "valid_from": start.isoformat()},
        f"已生成密钥 {kid}：私钥 {key_file}（妥善保管），公钥已追加到 {keyring}（自 {start} 起有效）",
    )
