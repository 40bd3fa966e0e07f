from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from pdca.errors import RuleViolation
from pdca_cli._context import CliContext, json_option, pass_cli
from pdca_cli._parse import parse_today, today_option


def _format(fmt: str | None, output: str | None) -> str:
    from pdca.reports.files import FORMATS

    if fmt:
        return fmt
    suffix = Path(output).suffix.lstrip(".").lower() if output else ""
    return suffix if suffix in FORMATS else "csv"


@click.command()
@click.argument("kind", type=click.Choice(["scores", "ledger", "rectifications"]))
@click.argument("period")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "json"]),
    help="文件格式（默认按 -o 的扩展名，否则 csv）。",
)
@click.option(
    "-o",
    "--output",
    help="输出文件（csv、json 默认写到标准输出；xlsx 必须指定；- 为标准输出）。只写普通文件：不写设备、命名管道、目录，也不跟随符号链接。",
)
@click.option("--scheme", "scheme_id", help="scores：只导出此方案的周期。")
@today_option("rectifications：按此日期计算逾期（YYYY-MM-DD，默认今天）。")
@json_option
@pass_cli
def export(
    obj: CliContext,
    kind: str,
    period: str,
    fmt: str | None,
    output: str | None,
    scheme_id: str | None,
    today: str | None,
) -> None:
    """导出通报用的表格（来自投影）：scores 每单位一行（分项折算分、加减分、否决、总分、等次、名次、档次、发布时事件号与链头摘要），ledger 每条发现一行，rectifications 每项整改一行。

    有锚点时同时给出最新锚点的校验码（xlsx 另有一页“校验码”；csv、json 打印在旁）。

    \b
    示例:
      pdca export scores 2024 -o 2024考核结果.xlsx
      pdca export ledger 2024 --format csv > 台账.csv
      pdca export rectifications 2024 --format json --today 2025-05-01
    """
    from pdca.reports import files, tables
    from pdca_cli._progress import progress

    fmt = _format(fmt or ("json" if obj.json else None), output)
    if fmt == "xlsx" and not output:
        raise RuleViolation("xlsx 是二进制文件，必须用 -o 指定输出文件，例如 -o 考核结果.xlsx")
    on = parse_today(today)
    if output is not None:
        _check_output(output, fmt)
    # ``-o -`` is standard output: csv and json exactly as without -o, xlsx as bytes.
    to_stdout = output is None or (output == "-" and fmt != "xlsx")
    with progress(f"导出 {kind} {period}", total=2, unit="步") as update:
        table = tables.table_of(obj.app(), kind, period, on, scheme_id)
        from dataclasses import replace

        from pdca.reports import check_code

        code = check_code.line(obj.app())
        table = replace(table, check_code=code)
        update(1, None)
        if to_stdout:
            files.write(table, fmt, sys.stdout)
        else:
            _write_file(table, fmt, output)
        update(2, None)
    if output not in (None, "-"):
        click.echo(f"已导出 {len(table.rows)} 行到 {output}（{fmt}）")
    # csv and json carry no line of their own (a reader would take it for data): the
    # code is said beside them — on stderr when the data itself goes to standard output.
    if code:
        click.echo(code, err=output in (None, "-"))


def _write_file(table: object, fmt: str, output: str) -> None:
    """Write a regular file, or xlsx bytes to standard output (see reports.output)."""
    import io

    from pdca.reports import files
    from pdca.reports.output import write_document

    def write(binary: BinaryIO) -> None:
        if fmt == "xlsx":
            files.write(table, fmt, binary)  # type: ignore[arg-type]
            return
        # utf-8-sig: spreadsheet programs need the mark to read Chinese CSV right.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        files.write(table, fmt, text)  # type: ignore[arg-type]
        text.flush()
        text.detach()

    write_document(output, write, sys.stdout.buffer)


def _check_output(output: str, fmt: str) -> None:
    """Refuse a target the export could not write, before reading the projections."""
    from pdca.reports.output import STDOUT, check_target

    if output == STDOUT and fmt == "xlsx" and sys.stdout.buffer.isatty():
        raise RuleViolation(
            "xlsx 是二进制文件，不能写到终端；用 -o 文件名，或把标准输出重定向到文件"
        )
    check_target(output)
