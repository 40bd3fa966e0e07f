"""What ``pdca template KIND PERIOD`` puts in a workbook: its sheets, their columns
(``import_columns``) and the rows it fills in for the office (each unit's cycle of the
period). The workbook itself is written by ``pdca.reports.sheet_templates``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pdca.application.import_columns import (
    FIXED,
    KIND_LABELS,
    KINDS,
    Column,
    ballot_columns,
    leaf_columns,
)
from pdca.domain.ids import check_period
from pdca.errors import NotFound, RuleViolation, one_of

_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetSpec:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]  # filled-in leading cells (unit, period), one per row


@dataclass(frozen=True)
class TemplateSpec:
    kind: str
    period: str
    scheme: str  # the scheme's reference, or "" for units
    sheets: tuple[SheetSpec, ...]
    notes: tuple[str, ...]


def template_of(app: Any, kind: str, period: str, scheme_ref: str | None) -> TemplateSpec:
    if kind not in KINDS:
        raise RuleViolation(f"未知模板类型 '{kind}'；允许：{one_of(KINDS)}")
    period = check_period(period)
    notes = [
        f"{KIND_LABELS[kind]}导入模板（{period}）。第 1 行为隐藏的列 ID：改动表头不影响导入，请勿删改第 1 行。",
        f"填好后：pdca import {kind} 本文件 --dry-run 先查看，再去掉 --dry-run 记录。",
        "整批校验：有一处问题则整批不记录，所有问题一并列出（工作表、行、列）。",
    ]
    if kind == "units":
        units = app.list_units()
        rows = tuple((u["name"], u["category"], u.get("grid") or "") for u in units)
        column = FIXED["units"][1]
        categories = Column(column.id, column.header, choices=tuple(app.workspace.categories))
        columns = (FIXED["units"][0], categories, FIXED["units"][2])
        return TemplateSpec(kind, period, "", (SheetSpec("单位名册", columns, rows),), tuple(notes))
    cycles = [c for c in app.list_cycles(period)]
    if not cycles:
        raise NotFound(
            f"考核期 {period} 没有周期；先开启：pdca cycle open 单位 {period} --scheme 方案"
        )
    if kind in ("scores", "ballots"):
        return _by_scheme(app, kind, period, scheme_ref, cycles, notes)
    rows = tuple((c["unit"], c["period"]) for c in cycles)
    title = KIND_LABELS[kind]
    return TemplateSpec(kind, period, "", (SheetSpec(title, FIXED[kind], rows),), tuple(notes))


def _by_scheme(
    app: Any,
    kind: str,
    period: str,
    scheme_ref: str | None,
    cycles: list[dict[str, Any]],
    notes: list[str],
) -> TemplateSpec:
    refs = sorted({c["scheme"] for c in cycles})
    if scheme_ref is None:
        if len(refs) > 1:
            raise RuleViolation(
                f"考核期 {period} 的周期用了 {len(refs)} 个方案（{one_of(refs)}）；请用 --scheme 指定一个"
            )
        scheme_ref = refs[0]
    chosen = [
        c for c in cycles if c["scheme"] == scheme_ref or c["scheme"].split("@")[0] == scheme_ref
    ]
    if not chosen:
        raise NotFound(f"考核期 {period} 没有方案 {scheme_ref} 的周期；有：{one_of(refs)}")
    scheme = app.scheme_of(app.get_cycle(chosen[0]["cycle"]))
    rows = tuple((c["unit"], c["period"]) for c in chosen)
    fixed = FIXED[kind]
    if kind == "ballots":
        sheets = (SheetSpec("测评票", (*fixed, *ballot_columns(scheme)), rows),)
        if len(sheets[0].columns) == len(fixed):
            raise RuleViolation(f"方案 {scheme.ref} 没有测评票")
    else:
        titles: set[str] = set()
        found = []
        for category in scheme.rules.categories:
            leaves = leaf_columns(scheme, category)
            if leaves:
                title = _title(category.label, titles)
                found.append(SheetSpec(title, (*fixed, *leaves), rows))
        sheets = tuple(found)
        notes.append(
            "每个类别一页；每行一个单位；空格表示不记录。数值按指标规则：直接计分填分数，按次计分填次数，按档计分填百分比，按意见计分从下拉列表选。"
        )
    return TemplateSpec(kind, period, scheme.ref, sheets, tuple(notes))


def _title(label: str, taken: set[str]) -> str:
    """An Excel sheet title: ≤ 31 characters, none of ``[]:*?/\\``, unique."""
    base = _SHEET_TITLE_BAD.sub("_", label)[:28] or "类别"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title
