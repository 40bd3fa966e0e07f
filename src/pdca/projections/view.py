"""Reading any projection's table by name, with simple equality filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, Table, select

from pdca.errors import NotFound, RuleViolation, one_of
from pdca.projections.runtime import Runtime


def find_table(runtime: Runtime, name: str) -> tuple[str, Table]:
    """``name`` is a table, or a projection with a table of its own name or only one.
    The built-in views are searched first, so a broken admin file never hides them."""
    found = _match(runtime, list(runtime.projections), name)
    if found is None:
        found = _match(runtime, runtime.names(), name)
    if found is not None:
        return found
    every = [t.name for p in runtime.names() for t in runtime.get(p).tables]
    raise NotFound(f"没有名为 {name} 的投影或表；可用：{one_of(every)}")


def _match(runtime: Runtime, names: list[str], name: str) -> tuple[str, Table] | None:
    for projection_name in names:
        for table in runtime.get(projection_name).tables:
            if table.name == name:
                return projection_name, table
    if name in names:
        tables = runtime.get(name).tables
        if len(tables) == 1:
            return name, tables[0]
        raise RuleViolation(f"投影 {name} 有多张表，请指明其一：{one_of(t.name for t in tables)}")
    return None


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
    """Catch the owning projection up (when this login may write), then read the table's
    matching rows."""
    projection, table = find_table(runtime, name)
    where = parse_filters(table, filters)
    runtime.refresh(projection)
    query = select(table).where(*(table.c[k] == v for k, v in where.items()))
    query = query.order_by(*table.primary_key.columns)
    if limit is not None:
        query = query.limit(limit)
    return table, runtime.rows(projection, query)
