from __future__ import annotations

import sys

import click

from pdca_cli._context import CliContext, pass_cli
from pdca_cli._parse import parse_today, today_option


@click.command()
@click.argument("period")
@click.option(
    "-o",
    "--output",
    help="输出的 HTML 文件（默认 report-考核期.html；- 为标准输出）。只写普通文件，不跟随符号链接。",
)
@today_option("按此日期计算整改逾期（YYYY-MM-DD，默认今天）。")
@pass_cli
def report(obj: CliContext, period: str, output: str | None, today: str | None) -> None:
    """考核结果报告：一个自包含的 HTML 文件（无需联网），含排名表和图表——各类别得分分布、各单位分项构成、等次与档次对照配额、整改销号逐月进度、秋后算账后名次变化最大的单位。

    \b
    Example:
      pdca report 2024 -o 2024考核结果报告.html
    """
    from pdca.application import inputs
    from pdca_cli._progress import progress

    period = inputs.period(period)
    on = parse_today(today)
    target = output or f"report-{period}.html"
    from pdca.reports.output import STDOUT, check_target, write_document

    check_target(target)  # before the long build, not after it
    app = obj.app()
    # matplotlib loads here, and only for this command.
    from pdca.reports import round_report as round_report

    with progress(f"生成报告 {period}", total=round_report.STEPS, unit="节") as update:
        html = round_report.build(app, period, on, lambda done: update(done, None))
    data = html.encode("utf-8")
    write_document(target, lambda out: out.write(data), sys.stdout.buffer)
    if target != STDOUT:
        click.echo(f"已生成报告 {target}（{len(data) // 1024} KB）")
