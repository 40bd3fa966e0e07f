from __future__ import annotations

import sys

import click

from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._output import answer
from pdca_cli._parse import parse_scores


@click.group()
def ballot() -> None:
    """不记名测评票：发放令牌、打印测评票、投票入箱、关闭票箱、批量导入。"""


@ballot.command()
@click.argument("address", metavar="CYCLE")
@click.option("--group", required=True, help="评议群体的 ID 或名称，见 pdca scheme show。")
@click.option("--count", required=True, type=int, help="张数。")
@click.option(
    "--rater-unit", default=None, help='评价单位（分片互评：方案的测评组 raters = "units"）。'
)
@click.option("--rater-grid", default=None, help='评价联系片（方案的测评组 raters = "grids"）。')
@json_option
@pass_cli
def issue(
    obj: CliContext,
    address: str,
    group: str,
    count: int,
    rater_unit: str | None,
    rater_grid: str | None,
) -> None:
    """发放一次性令牌，每张测评票一个；只保存令牌的加盐摘要（排序后保存，不留打印顺序），不保存投票人。

    分片互评的票发给评价单位（--rater-unit），只记评价单位，不记评价人；单位不能为本单位评分。

    \b
    示例:
      pdca ballot issue 市财政局/2024 --group masses --count 30
      pdca ballot issue 市财政局/2024 --group peer_units --count 1 --rater-unit 市发改委
    """
    tokens = obj.app().issue_ballots(
        obj.acting, address, group, count, rater_unit=rater_unit, rater_grid=rater_grid
    )
    group = obj.acting.named.get("group", group)  # a label names its id
    data = {"cycle": address, "group": group, "tokens": tokens}
    rater = rater_unit or rater_grid
    if rater:
        data["rater"] = rater
    shown = (
        f"（{group}，评价{'单位' if rater_unit else '联系片'} {rater}）"
        if rater
        else f"（{group}）"
    )
    answer(obj.json, data, "\n".join([f"已发放 {len(tokens)} 张{shown}，令牌：", *tokens]))


@ballot.command()
@click.argument("address", metavar="CYCLE")
@click.option("--group", required=True, help="评议群体的 ID 或名称，见 pdca scheme show。")
@click.option("--count", required=True, type=int, help="张数（1 至 1000）。")
@click.option(
    "-o", "--output", required=True, help="输出的 HTML 文件。只写普通文件，不跟随符号链接。"
)
@click.option(
    "--base-url",
    default=None,
    help="投票网址（pdca serve 对投票人开放的地址）；默认 pdca.toml 的 [web] base_url。",
)
@click.option("--rater-unit", default=None, help="评价单位（分片互评）。")
@click.option("--rater-grid", default=None, help="评价联系片。")
@pass_cli
def slips(
    obj: CliContext,
    address: str,
    group: str,
    count: int,
    output: str,
    base_url: str | None,
    rater_unit: str | None,
    rater_grid: str | None,
) -> None:
    """发放令牌并生成可打印的测评票（HTML）：每张票一个二维码，扫码打开 网址/ballot/令牌 投票。

    令牌与 pdca ballot issue 发放的相同（只保存加盐摘要）；票上没有编号，投出的票与票面无从对应。
    令牌不在终端显示；生成的文件就是选票凭据，打印后请删除。

    \b
    示例:
      pdca ballot slips 市财政局/2024 --group masses --count 30 -o 测评票.html --base-url https://kaohe.example.gov.cn
    """
    from pdca.application.slips import base_url as checked_base_url
    from pdca.application.slips import issue_slips
    from pdca.reports.output import check_target, write_document

    base = checked_base_url(base_url, obj.workspace().web_base_url)
    check_target(output)  # before any token is issued
    made = issue_slips(obj.app(), obj.acting, address, group, count, base, rater_unit, rater_grid)
    from pdca.reports.slips import render

    data = render(made).encode("utf-8")
    write_document(output, lambda out: out.write(data), sys.stdout.buffer)
    if output != "-":
        click.echo(f"已发放 {len(made.links)} 张测评票（{made.group}），写入 {output}")


@ballot.command()
@click.argument("address", metavar="CYCLE")
@click.option("--token", required=True, help="一次性令牌。")
@click.argument("scores", nargs=-1, required=True, metavar="ITEM=POINTS...")
@json_option
@pass_cli
def cast(obj: CliContext, address: str, token: str, scores: tuple[str, ...]) -> None:
    """投一张测评票入票箱：每个项目一个分数（项目写 ID 或名称）。令牌当即失效。

    票箱关闭（pdca ballot close）时，箱中的票打乱顺序后一并记录：不记投票人，也不记投票时间。

    \b
    示例:
      pdca ballot cast 市财政局/2024 --token 7DKB-WBC2-8SEG-CP6N-ZJRX-1YWC-WCN0 duty=18 report=19 answers=18 daily_work=17 rectification=18
    """
    obj.app().cast_ballot(obj.acting, address, token, parse_scores(scores))
    answer(obj.json, {"cycle": address, "cast": 1}, "已投票 1 张（在票箱中，关闭票箱后计入）")


@ballot.command()
@click.argument("address", metavar="CYCLE")
@click.option(
    "--group", default=None, help="只关闭这个评议群体的票箱（ID 或名称）；默认：所有有票的票箱。"
)
@json_option
@pass_cli
def close(obj: CliContext, address: str, group: str | None) -> None:
    """关闭票箱：箱中的票打乱顺序后记录，计入得分；记录关闭人，不记录投票人。

    \b
    示例:
      pdca ballot close 市财政局/2024
      pdca ballot close 市财政局/2024 --group masses
    """
    closed = obj.app().close_ballots(obj.acting, address, group)
    data = {
        "cycle": address,
        "groups": [{"group": g, "counted": n, "missing": m} for g, n, m in closed],
    }
    lines = [
        f"已关闭票箱（{g}）：计入 {n} 张"
        + (f"；另有 {m} 张已用令牌的票未入箱（写入中断），无法计入" if m else "")
        for g, n, m in closed
    ]
    answer(obj.json, data, "\n".join(lines))


@ballot.command("import")
@click.argument("address", metavar="CYCLE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@json_option
@pass_cli
def import_(obj: CliContext, address: str, file: str) -> None:
    """从 CSV 导入测评票（书记员录入的纸质票）：首列 token，其余各列为项目。整批校验，有一张不合格则一张都不记录。

    整批记为一个事件（记录录入人），各票打乱顺序记录，不带令牌。

    FILE 为 - 时读标准输入。编码可为 UTF-8（可带 BOM）或 GB18030/GBK（Excel 另存的“CSV（逗号分隔）”）；表头每列只能出现一次，且须正好是方案的测评项目。

    \b
    示例:
      pdca ballot import 市财政局/2024 ballots.csv
      # ballots.csv:  token,duty,report,answers,daily_work,rectification
      #               7DKB-WBC2-8SEG-CP6N-ZJRX-1YWC-WCN0,18,19,18,17,18
    """
    from pdca.application.ballot_file import read_ballots

    count = obj.app().import_ballots(obj.acting, address, read_ballots(file, sys.stdin.buffer))
    answer(obj.json, {"cycle": address, "cast": count}, f"已导入测评票 {count} 张")
