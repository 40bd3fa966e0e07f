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
@click.argument("kind", type=click.Choice(["scores", "ledger", "rectifications", "notice"]))
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
@click.option("--issuer", default="中共机关工作委员会", help="notice：发文机关（版头与落款）。")
@click.option("--doc-number", default="", help="notice：发文字号，如 机党〔2024〕5号。")
@click.option("--title-font", default="方正小标宋简体", help="notice：版头与标题的中文字体。")
@click.option("--body-font", default="仿宋_GB2312", help="notice：正文的中文字体。")
@click.option("--per-unit", "per_unit", help="notice：另为每个单位写一份结果函到此目录。")
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
    issuer: str,
    doc_number: str,
    title_font: str,
    body_font: str,
    per_unit: str | None,
) -> None:
    """导出通报用的表格（来自投影）：scores 每单位一行（分项折算分、加减分、否决、总分、等次、名次、档次、发布时事件号与链头摘要），ledger 每条发现一行，rectifications 每项整改一行。

    有锚点时同时给出最新锚点的校验码（xlsx 另有一页“校验码”；csv、json 打印在旁）。

    \b
    示例:
      pdca export scores 2024 -o 2024考核结果.xlsx
      pdca export ledger 2024 --format csv > 台账.csv
      pdca export rectifications 2024 --format json --today 2025-05-01
      pdca export notice 2024 -o 通报.docx --doc-number 机党〔2025〕3号 --per-unit 结果函/

    notice 为 Word 通报（GB/T 9704 版式：版头、发文字号、小标宋标题、仿宋正文）：按类别的排名、
    等次、档次、结果运用、秋后算账的名次变化，页脚前为校验码；--per-unit 另写各单位的结果函。
    """
    if kind == "notice":
        from pdca.reports.notice import NoticeStyle

        style = NoticeStyle(issuer, doc_number, title_font, body_font)
        _notice(obj, period, output, style, per_unit)
        return
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


def _notice(
    obj: CliContext, period: str, output: str | None, style: object, per_unit: str | None
) -> None:
    from pdca.reports.notice import notice_data, write_letters, write_notice
    from pdca.reports.output import check_target, write_document

    if not output:
        raise RuleViolation("通报是 Word 文件，必须用 -o 指定输出文件，例如 -o 通报.docx")
    check_target(output)
    data = notice_data(obj.app(), period)
    write_document(output, lambda binary: write_notice(data, style, binary), sys.stdout.buffer)  # type: ignore[arg-type]
    click.echo(f"已导出通报到 {output}（{len(data['rows'])} 个单位）")
    if per_unit:
        letters = write_letters(data, style, Path(per_unit))  # type: ignore[arg-type]
        click.echo(f"已写出 {len(letters)} 份结果函到 {per_unit}")
    click.echo(data["code"])
