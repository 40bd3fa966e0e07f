"""Reading any projection's table by name, with simple equality filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Table, select

from pdca.errors import NotFound, RuleViolation, one_of
from pdca.projections.runtime import Runtime


def find_table(runtime: Runtime, name: str) -> tuple[str, Table]:
    """``name`` is a table, or a projection with a table of its own name or only one.
    Searched among the projections as recorded (``Runtime.listed``): a read never
    imports an admin's projection file, so a broken or hostile one cannot act here."""
    listed = runtime.listed()
    for projection in listed:
        for table in projection.tables:
            if table.name == name:
                return projection.name, table
    for projection in listed:
        if projection.name == name:
            if len(projection.tables) == 1:
                return name, projection.tables[0]
            raise RuleViolation(
                f"投影 {name} 有多张表，请指明其一：{one_of(t.name for t in projection.tables)}"
            )
    every = [t.name for p in listed for t in p.tables]
    raise NotFound(f"没有名为 {name} 的投影或表；可用：{one_of(every)}")


def parse_filters(table: Table, filters: list[str]) -> dict[str, Any]:
    """``COL=VAL`` pairs, each value converted to its column's type."""
    parsed: dict[str, Any] = {}
    for text in filters:
        column_name, sep, raw = text.partition("=")
        column_name = column_name.strip()
        if not sep:
            raise RuleViolation(f"筛选条件 '{text}' 格式应为 列=值，如 unit=市财政局")
        if column_name not in table.c:
            raise RuleViolation(
                f"表 {table.name} 没有列 '{column_name}'；可用：{one_of(c.name for c in table.c)}"
            )
        column_type = table.c[column_name].type
        try:
            if isinstance(column_type, Integer):
                parsed[column_name] = int(raw)
            elif isinstance(column_type, Date):
                parsed[column_name] = date.fromisoformat(raw)
            else:
                parsed[column_name] = raw
        except ValueError:
            kind = "整数" if isinstance(column_type, Integer) else "日期 YYYY-MM-DD"
            raise RuleViolation(f"列 {column_name} 的值 '{raw}' 不是{kind}") from None
    return parsed


def read(
    runtime: Runtime, name: str, filters: list[str], limit: int | None = None
) -> tuple[Table, list[dict[str, Any]]]:
    """Catch the owning projection up (a built-in one, when this login may write), then
    read the table's matching rows."""
    projection, table = find_table(runtime, name)
    where = parse_filters(table, filters)
    runtime.refresh(projection)
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    query = query.order_by(*table.primary_key.columns)
    if limit is not None:
        query = query.limit(limit)
    return table, runtime.rows(projection, query)
