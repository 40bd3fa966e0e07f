from __future__ import annotations

import sys
from pathlib import Path

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
@click.option("-o", "--output", help="输出文件（csv、json 默认写到标准输出；xlsx 必须指定）。")
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

    \b
    Example:
      pdca export scores 2024 -o 2024考核结果.xlsx
      pdca export ledger 2024 --format csv > 台账.csv
      pdca export rectifications 2024 --format json --today 2025-05-01
    """
    from pdca.reports import files, tables
    from pdca_cli._progress import progress

    fmt = _format(fmt or ("json" if obj.json else None), output)
    if fmt == "xlsx" and not output:
        raise RuleViolation("xlsx 是二进制文件，必须用 -o 指定输出文件，例如 -o 考核结果.xlsx")
    if output is not None and Path(output).is_dir():
        raise RuleViolation(
            f"-o {output} 是目录；请给出文件名，例如 -o {Path(output) / f'{kind}-{period}.{fmt}'}"
        )
    on = parse_today(today)
    with progress(f"导出 {kind} {period}", total=2, unit="步") as update:
        table = tables.table_of(obj.app(), kind, period, on, scheme_id)
        update(1, None)
        if output is None:
            files.write(table, fmt, sys.stdout)
        else:
            _write_file(table, fmt, Path(output))
        update(2, None)
    if output is not None:
        click.echo(f"已导出 {len(table.rows)} 行到 {output}（{fmt}）")


def _write_file(table: object, fmt: str, path: Path) -> None:
    """Write beside the target, then rename: a failed export leaves no half file."""
    import os
    import tempfile

    from pdca.reports import files

    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        from pdca.application.failures import cannot_write_file

        raise cannot_write_file(path, exc) from None
    try:
        if fmt == "xlsx":
            with os.fdopen(fd, "wb") as binary:
                files.write(table, fmt, binary)  # type: ignore[arg-type]
        else:
            # utf-8-sig: spreadsheet programs need the mark to read Chinese CSV right.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with os.fdopen(fd, "w", encoding=encoding, newline="") as text:
                files.write(table, fmt, text)  # type: ignore[arg-type]
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk, say: named by the target, not the temp file
            from pdca.application.failures import cannot_write_file

            raise cannot_write_file(path, exc) from None
        raise
