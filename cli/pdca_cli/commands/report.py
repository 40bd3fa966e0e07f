from __future__ import annotations

from pathlib import Path

import click

from pdca.errors import RuleViolation
from pdca_cli._context import CliContext, pass_cli
from pdca_cli._parse import parse_today, today_option


@click.command()
@click.argument("period")
@click.option("-o", "--output", help="输出的 HTML 文件（默认 report-考核期.html）。")
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
    path = Path(output or f"report-{period}.html")
    if path.is_dir():
        raise RuleViolation(
            f"-o {path} 是目录；请给出文件名，例如 -o {path / f'report-{period}.html'}"
        )
    app = obj.app()
    # matplotlib loads here, and only for this command.
    from pdca.reports import round_report as round_report

    with progress(f"生成报告 {period}", total=round_report.STEPS, unit="节") as update:
        html = round_report.build(app, period, on, lambda done: update(done, None))
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        from pdca.application.failures import cannot_write_file

        raise cannot_write_file(path, exc) from None
    click.echo(f"已生成报告 {path}（{len(html.encode()) // 1024} KB）")
