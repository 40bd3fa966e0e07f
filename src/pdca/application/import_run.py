"""What one ``pdca import`` works with: its state (the cycles and units it changed, every
problem found), and a sheet read as columns — the template's hidden row of ids, else
its header — with cells as text, dates and decimals, each problem named by sheet, row
and column. Standard library only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pdca.application.acting import Acting
from pdca.application.import_columns import FIXED, Column, decimals
from pdca.application.sheet_files import Row, Sheet, Value, column_letter
from pdca.errors import PdcaError, RuleViolation, one_of


@dataclass
class Outcome:
    """What an import recorded (or, dry, would record): one line per event."""

    kind: str
    source: str
    recorded: list[str] = field(default_factory=list)
    already: int = 0
    amended: int = 0
    rows: int = 0
    dry_run: bool = False


@dataclass
class Run:
    """One import's working state: the aggregates it changed, its problems."""

    app: Any
    acting: Acting
    label: str
    amend: bool
    reason: str
    outcome: Outcome
    problems: list[str] = field(default_factory=list)
    cycles: dict[str, Any] = field(default_factory=dict)
    others: list[Any] = field(default_factory=list)
    cycle_problems: dict[str, str] = field(default_factory=dict)
    indexes: dict[tuple[str, Any], Any] = field(default_factory=dict)

    def index(self, kind: str, cycle: Any, build: Callable[[Any], Any]) -> Any:
        """What a cycle already holds of ``kind``, built once per import and kept up to
        date by the caller as it records, so 10,000 rows are not 10,000 scans."""
        key = (kind, cycle.id)
        if key not in self.indexes:
            self.indexes[key] = build(cycle)
        return self.indexes[key]

    def cycle(self, unit: str, period: str) -> Any:
        """The cycle ``unit/period`` (loaded once); a refusal is raised as it is."""
        address = f"{unit}/{period}"
        if address in self.cycle_problems:
            raise RuleViolation(self.cycle_problems[address])
        if address not in self.cycles:
            try:
                loaded = self.app.get_cycle(address, self.acting)
                # A unit's former name reaches the same cycle: one object, one save.
                same = [c for c in self.cycles.values() if c.id == loaded.id]
                self.cycles[address] = same[0] if same else loaded
            except PdcaError as exc:
                self.cycle_problems[address] = str(exc)
                raise
        return self.cycles[address]


# ---- reading a sheet's columns ----------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    ids: tuple[str | None, ...]  # the column id of each position (None: not ours)
    data: tuple[Row, ...]


def layout_of(
    sheet: Sheet, fixed: tuple[Column, ...], known: Callable[[str], str | None]
) -> Layout | None:
    """Which column is which: the template's hidden row of ids, else the header row
    (headers or ids); ``None`` for a sheet that is none of ours (no unit column)."""
    first = fixed[0]
    rows = sheet.rows
    for at, row in enumerate(rows[:3]):
        texts = [c if isinstance(c, str) else None for c in row.cells]
        heads = [t.split("\n")[0].strip() if t else None for t in texts]
        if first.id in texts:  # the hidden row of ids
            rest = rows[at + 1 :]
            if rest and first.header in [head(c) for c in rest[0].cells]:
                rest = rest[1:]
            return Layout(tuple(known(t) if t else None for t in texts), tuple(rest))
        if first.header in heads:
            return Layout(tuple(known(t) if t else None for t in texts), tuple(rows[at + 1 :]))
    return None


def head(cell: Value) -> str | None:
    """A header cell's first line (the template writes id and rule below the name)."""
    return cell.split("\n")[0].strip() if isinstance(cell, str) else None


def fixed_known(fixed: tuple[Column, ...]) -> Callable[[str], str | None]:
    names = {c.id: c.id for c in fixed} | {c.header: c.id for c in fixed}
    return lambda text: names.get(text.split("\n")[0].strip()) or names.get(text.strip())


def cells_of(layout: Layout, row: Row) -> dict[str, tuple[str, Value]]:
    """A data row as ``{column id: (column letter, value)}``."""
    return {
        cid: (column_letter(at), row.cells[at] if at < len(row.cells) else None)
        for at, cid in enumerate(layout.ids)
        if cid is not None
    }


def cell_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def cell_date(value: Value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(cell_text(value))
    except ValueError:
        raise RuleViolation(
            f"'{cell_text(value)}' 不是日期；应为 YYYY-MM-DD，如 2024-12-31"
        ) from None


def cell_number(value: Value, places: int | None = None) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(cell_text(value))
        except InvalidOperation:
            raise RuleViolation(
                f"'{cell_text(value)}' 不是数值；应为如 2、0.5、87.5 的数"
            ) from None
        if not number.is_finite():
            raise RuleViolation(f"'{cell_text(value)}' 不是有限数值")
    if places is not None and decimals(number) > places:
        allowed = "整数" if places == 0 else f"至多 {places} 位小数"
        raise RuleViolation(f"{number} 的小数位数多于允许的（{allowed}）；不会四舍五入，请改正")
    return number


def note_problem(run: Run, sheet: Sheet, row: Row, letter: str, cid: str, message: str) -> None:
    run.problems.append(f"{sheet.where} 第 {row.number} 行 {letter} 列（{cid}）：{message}")


def data_rows(
    run: Run, sheet: Sheet, kind: str, known: Callable[[str], str | None] | None = None
) -> Iterator[tuple[Row, dict[str, tuple[str, Value]]]]:
    """Each data row with its cells by column id, the required fixed columns present."""
    fixed = FIXED[kind]
    layout = layout_of(sheet, fixed, known or fixed_known(fixed))
    if layout is None:
        return
    missing = [c.header for c in fixed if c.required and c.id not in layout.ids]
    if missing:
        run.problems.append(f"{sheet.where} 缺少列：{one_of(missing)}")
        return
    for row in layout.data:
        cells = cells_of(layout, row)
        # A template's row names its unit and period: with nothing else, it is unused.
        if all(v is None for cid, (_, v) in cells.items() if cid not in ("unit", "period")):
            continue
        run.outcome.rows += 1
        empty = [c for c in fixed if c.required and cells[c.id][1] is None]
        for column in empty:
            note_problem(
                run, sheet, row, cells[column.id][0], column.id, f"{column.header}不能为空"
            )
        if not empty:
            yield row, cells


def row_cycle(run: Run, sheet: Sheet, row: Row, cells: dict[str, tuple[str, Value]]) -> Any:
    unit, period = cell_text(cells["unit"][1]), cell_text(cells["period"][1])
    try:
        return run.cycle(unit, period)
    except PdcaError as exc:
        note_problem(run, sheet, row, cells["unit"][0], "unit", f"{exc}")
        return None


def check_cell(
    run: Run, sheet: Sheet, row: Row, letter: str, cid: str, check: Callable[..., Any], *args: Any
) -> Any:
    """``check(*args)``, or ``None`` with its refusal listed against the cell."""
    try:
        return check(*args)
    except PdcaError as exc:
        note_problem(run, sheet, row, letter, cid, str(exc))
        return None
