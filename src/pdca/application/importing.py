"""``pdca import``: many rows of a spreadsheet recorded as one command — all or nothing.

Every row is checked by the same rules its single command applies (the use cases'
own ``_*_event`` checks); every problem of every row is collected, so one refusal lists
them all with sheet, row and column. Only when there is none is everything saved, in
one transaction across all the cycles and units it touched (``saving.save``).

Importing a file twice is safe: a row equal to what is recorded records nothing and is
counted as already recorded; a row that differs is refused, unless ``amend``, which
records the corrections (with ``reason``) the single commands would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pdca import log
from pdca.application import saving
from pdca.application.acting import Acting, writes
from pdca.application.import_columns import (
    FIXED,
    KIND_COMMANDS,
    KIND_LABELS,
    KINDS,
    Column,
    allowed_decimals,
    decimals,
)
from pdca.application.sheet_files import Row, Sheet, Value, column_letter
from pdca.errors import NotFound, PdcaError, RuleViolation, one_of

_LISTED = 200  # problems listed in a refusal; the rest are counted


class ImportRefused(RuleViolation):
    """Every problem of a file: a one-line summary, then one line per problem (the one
    refusal that says several lines; each line is still escaped to be one line)."""

    def __init__(self, summary: str, problems: list[str]) -> None:
        super().__init__(summary, details={"problems": problems})
        self.problems = problems

    def __str__(self) -> str:
        from pdca.errors import one_line

        shown = [one_line(p) for p in self.problems[:_LISTED]]
        more = len(self.problems) - _LISTED
        tail = [f"……另有 {more} 处问题未列出"] if more > 0 else []
        return "\n".join([self.args[0], *shown, *tail])


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
class _Run:
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

    def cycle(self, unit: str, period: str) -> Any:
        """The cycle ``unit/period`` (loaded once); a refusal is raised as it is."""
        address = f"{unit}/{period}"
        if address in self.cycle_problems:
            raise RuleViolation(self.cycle_problems[address])
        if address not in self.cycles:
            try:
                self.cycles[address] = self.app.get_cycle(address, self.acting)
            except PdcaError as exc:
                self.cycle_problems[address] = str(exc)
                raise
        return self.cycles[address]


class Importing:
    """Mixed into ``PdcaApplication`` (``service.USE_CASES``)."""

    @writes("import")
    @saving.commutes
    def import_sheets(
        self,
        acting: Acting,
        kind: str,
        label: str,
        sheets: list[Sheet],
        dry_run: bool = False,
        amend: bool = False,
        reason: str = "",
    ) -> Outcome:
        app: Any = self
        if kind not in KINDS:
            raise RuleViolation(f"未知导入类型 '{kind}'；允许：{one_of(KINDS)}")
        app.permit(acting, KIND_COMMANDS[kind])
        if amend:
            app.permit(acting, "unit edit" if kind == "units" else "correct amend")
            if not reason.strip():
                raise RuleViolation("--amend 更正已记录的值，必须写明理由（--reason）")
        run = _Run(app, acting, label, amend, reason.strip(), Outcome(kind, label, dry_run=dry_run))
        for sheet in sheets:
            for cell in sheet.uncached:
                run.problems.append(
                    f"{sheet.where} {cell} 单元格：公式没有计算结果（文件未经 Excel 计算保存）；"
                    "请在 Excel 中打开并保存，或把公式改为数值"
                )
            _ROWS[kind](run, sheet)
        if not run.outcome.rows and not run.problems:
            raise RuleViolation(
                f"{label} 中没有{KIND_LABELS[kind]}数据行；请用 pdca template {kind} 生成的表格填写"
            )
        if run.problems:
            raise ImportRefused(
                f"{label} 有 {len(run.problems)} 处问题，整批未记录（允许的写法见各行）：",
                run.problems,
            )
        changed = [c for c in run.cycles.values() if c.pending_events] + run.others
        if dry_run:
            saving.refuse_invisible_text(changed)
            return run.outcome
        if changed:
            saving.save(
                app,
                acting,
                changed,
                lambda read: saving.changed_underneath(app, f"导入的{KIND_LABELS[kind]}", read),
            )
        log.info("imported", actor=acting.person, kind=kind, events=len(run.outcome.recorded))
        return run.outcome


# ---- reading a sheet's columns ----------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    ids: tuple[str | None, ...]  # the column id of each position (None: not ours)
    data: tuple[Row, ...]


def _layout(
    sheet: Sheet, fixed: tuple[Column, ...], known: Callable[[str], str | None]
) -> _Layout | None:
    """Which column is which: the template's hidden row of ids, else the header row
    (headers or ids); ``None`` for a sheet that is none of ours (no unit column)."""
    first = fixed[0]
    rows = sheet.rows
    for at, row in enumerate(rows[:3]):
        texts = [c if isinstance(c, str) else None for c in row.cells]
        heads = [t.split("\n")[0].strip() if t else None for t in texts]
        if first.id in texts:  # the hidden row of ids
            rest = rows[at + 1 :]
            if rest and first.header in [_head(c) for c in rest[0].cells]:
                rest = rest[1:]
            return _Layout(tuple(known(t) if t else None for t in texts), tuple(rest))
        if first.header in heads:
            return _Layout(tuple(known(t) if t else None for t in texts), tuple(rows[at + 1 :]))
    return None


def _head(cell: Value) -> str | None:
    """A header cell's first line (the template writes id and rule below the name)."""
    return cell.split("\n")[0].strip() if isinstance(cell, str) else None


def _fixed_known(fixed: tuple[Column, ...]) -> Callable[[str], str | None]:
    names = {c.id: c.id for c in fixed} | {c.header: c.id for c in fixed}
    return lambda text: names.get(text.split("\n")[0].strip()) or names.get(text.strip())


def _cells(layout: _Layout, row: Row) -> dict[str, tuple[str, Value]]:
    """A data row as ``{column id: (column letter, value)}``."""
    return {
        cid: (column_letter(at), row.cells[at] if at < len(row.cells) else None)
        for at, cid in enumerate(layout.ids)
        if cid is not None
    }


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value).strip()


def _date(value: Value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise RuleViolation(f"'{_text(value)}' 不是日期；应为 YYYY-MM-DD，如 2024-12-31") from None


def _number(value: Value, places: int | None = None) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(_text(value))
        except InvalidOperation:
            raise RuleViolation(f"'{_text(value)}' 不是数值；应为如 2、0.5、87.5 的数") from None
        if not number.is_finite():
            raise RuleViolation(f"'{_text(value)}' 不是有限数值")
    if places is not None and decimals(number) > places:
        allowed = "整数" if places == 0 else f"至多 {places} 位小数"
        raise RuleViolation(f"{number} 的小数位数多于允许的（{allowed}）；不会四舍五入，请改正")
    return number


def _problem(run: _Run, sheet: Sheet, row: Row, letter: str, cid: str, message: str) -> None:
    run.problems.append(f"{sheet.where} 第 {row.number} 行 {letter} 列（{cid}）：{message}")


def _data_rows(
    run: _Run, sheet: Sheet, kind: str, known: Callable[[str], str | None] | None = None
) -> Iterator[tuple[Row, dict[str, tuple[str, Value]]]]:
    """Each data row with its cells by column id, the required fixed columns present."""
    fixed = FIXED[kind]
    layout = _layout(sheet, fixed, known or _fixed_known(fixed))
    if layout is None:
        return
    missing = [c.header for c in fixed if c.required and c.id not in layout.ids]
    if missing:
        run.problems.append(f"{sheet.where} 缺少列：{one_of(missing)}")
        return
    for row in layout.data:
        cells = _cells(layout, row)
        # A template's row names its unit and period: with nothing else, it is unused.
        if all(v is None for cid, (_, v) in cells.items() if cid not in ("unit", "period")):
            continue
        run.outcome.rows += 1
        empty = [c for c in fixed if c.required and cells[c.id][1] is None]
        for column in empty:
            _problem(run, sheet, row, cells[column.id][0], column.id, f"{column.header}不能为空")
        if not empty:
            yield row, cells


def _row_cycle(run: _Run, sheet: Sheet, row: Row, cells: dict[str, tuple[str, Value]]) -> Any:
    unit, period = _text(cells["unit"][1]), _text(cells["period"][1])
    try:
        return run.cycle(unit, period)
    except PdcaError as exc:
        _problem(run, sheet, row, cells["unit"][0], "unit", f"{exc}")
        return None


def _checked(
    run: _Run, sheet: Sheet, row: Row, letter: str, cid: str, check: Callable[..., Any], *args: Any
) -> Any:
    """``check(*args)``, or ``None`` with its refusal listed against the cell."""
    try:
        return check(*args)
    except PdcaError as exc:
        _problem(run, sheet, row, letter, cid, str(exc))
        return None


# ---- the kinds ------------------------------------------------------------------------


def _scores(run: _Run, sheet: Sheet) -> None:
    from pdca.rules.naming import resolve_target

    app = run.app
    fixed_known = _fixed_known(FIXED["scores"])
    by_scheme: dict[str, dict[str, tuple[str, str | None] | None]] = {}

    def leaf(scheme: Any, header: str) -> tuple[str, str | None] | None:
        known = by_scheme.setdefault(scheme.digest, {})
        if header not in known:
            try:
                known[header] = resolve_target(scheme, header.split("\n")[0].strip())
            except PdcaError:
                known[header] = None
        return known[header]

    # Leaf columns are kept as the header says; each row's cycle's scheme reads them.
    def known(text: str) -> str | None:
        return fixed_known(text) or f"leaf:{text}"

    told: set[tuple[str, str]] = set()
    for row, cells in _data_rows(run, sheet, "scores", known):
        cycle = _row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        scheme = app.scheme_of(cycle)
        address = cycle.address
        evidence = _text(cells["evidence"][1]) if "evidence" in cells else ""
        evidence = evidence or f"{run.label} {sheet.where} 第 {row.number} 行"
        for cid, (letter, value) in cells.items():
            if not cid.startswith("leaf:") or value is None:
                continue
            header = cid[5:]
            target = leaf(scheme, header)
            if target is None:
                if (header, scheme.ref) not in told:
                    told.add((header, scheme.ref))
                    _problem(
                        run,
                        sheet,
                        row,
                        letter,
                        header,
                        f"不是方案 {scheme.ref} 的指标或采分点；请用 pdca template scores 生成的表头",
                    )
                continue
            item_id, point_id = target
            name = f"{item_id}.{point_id}" if point_id else item_id
            _checked(
                run,
                sheet,
                row,
                letter,
                name,
                _score,
                run,
                cycle,
                address,
                item_id,
                point_id,
                value,
                evidence,
            )


def _score(
    run: _Run,
    cycle: Any,
    address: str,
    item_id: str,
    point_id: str | None,
    value: Value,
    evidence: str,
) -> None:
    app, acting = run.app, run.acting
    scheme = app.scheme_of(cycle)
    item = app._item(cycle, item_id)
    name = f"{item_id}.{point_id}" if point_id else item_id
    facts = cycle.facts
    if item.rule == "opinion":
        word = _text(value)
        existing = facts.opinion(item_id)
        if existing is not None:
            if existing.opinion == word:
                run.outcome.already += 1
                return
            _refuse_unless_amend(run, name, existing.opinion, word, existing.provenance.position)
            cycle.record(
                type(cycle).FactWithdrawn,
                fact_position=existing.provenance.position,
                reason=run.reason,
                actor=acting.person,
            )
            run.outcome.amended += 1
            run.outcome.recorded.append(f"{address} 撤回 #{existing.provenance.position} {name}")
    else:
        high = item.point(point_id).max if point_id else item.max
        number = _number(value, allowed_decimals(scheme, item, high))
        existing = facts.point_score(item_id, point_id) if point_id else facts.item_score(item_id)
        if existing is not None:
            if existing.value == number:
                run.outcome.already += 1
                return
            _refuse_unless_amend(run, name, existing.value, number, existing.provenance.position)
            from pdca.application.recording import CORRECTING, check_item_value, check_point_value

            app._require_phase(cycle, CORRECTING, "更正记录")
            if point_id:
                check_point_value(item, item.point(point_id), number)
            else:
                check_item_value(item, number)
            cycle.record(
                type(cycle).FactAmended,
                fact_position=existing.provenance.position,
                value=number,
                reason=run.reason,
                actor=acting.person,
            )
            run.outcome.amended += 1
            run.outcome.recorded.append(
                f"{address} 更正 #{existing.provenance.position} {name} = {number}"
            )
            return
        value = number
    event, fields = app._score_event(acting, cycle, address, name, value, evidence)
    cycle.record(event, **fields, actor=acting.person)
    shown = fields.get("opinion", fields.get("value"))
    run.outcome.recorded.append(f"{address} {name} = {shown}")


def _refuse_unless_amend(
    run: _Run, name: str, was: object, now: object, position: int | None = None
) -> None:
    if not run.amend:
        at = f"（#{position}）" if position is not None else ""
        raise RuleViolation(
            f"{name} 已记录为 {was}{at}，此行为 {now}；如确需更正，加 --amend --reason 理由 重新导入"
        )


def _units(run: _Run, sheet: Sheet) -> None:
    for row, cells in _data_rows(run, sheet, "units"):
        name = _text(cells["name"][1])
        category = _text(cells["category"][1])
        grid = _text(cells["grid"][1]) if "grid" in cells else ""
        _checked(
            run,
            sheet,
            row,
            cells["name"][0],
            "name",
            _unit,
            run,
            name,
            category,
            grid or None,
        )


def _unit(run: _Run, name: str, category: str, grid: str | None) -> None:
    app, acting = run.app, run.acting
    if any(getattr(u, "name", None) == name for u in run.others):
        raise RuleViolation(f"单位 {name} 在本文件中出现了不止一次")
    try:
        unit = app.get_unit(name, tell=False)
    except NotFound:
        unit = app._new_unit(acting, name, category, grid)
        run.others.append(unit)
        run.outcome.recorded.append(
            f"登记单位 {unit.name}（{category}{'，' + grid if grid else ''}）"
        )
        return
    if (unit.category, unit.grid or None) == (category, grid):
        run.outcome.already += 1
        return
    was = f"{unit.category}，{unit.grid or '无联系片'}"
    _refuse_unless_amend(run, f"单位 {unit.name}", was, f"{category}，{grid or '无联系片'}")
    changed = app._edited_unit(acting, unit, category, grid or "", None, run.reason)
    run.others.extend(changed)
    run.outcome.amended += 1
    run.outcome.recorded.append(f"更正单位 {unit.name}：{category}，{grid or '无联系片'}")


def _tasks(run: _Run, sheet: Sheet) -> None:
    for row, cells in _data_rows(run, sheet, "tasks"):
        cycle = _row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        title = _text(cells["title"][1])
        deadline = _checked(
            run, sheet, row, cells["deadline"][0], "deadline", _date, cells["deadline"][1]
        )
        if deadline is None:
            continue
        _checked(run, sheet, row, cells["title"][0], "title", _task, run, cycle, title, deadline)


def _task(run: _Run, cycle: Any, title: str, deadline: date) -> None:
    same = [t for t in cycle.tasks.values() if t.title == title.strip()]
    if same:
        if any(t.deadline == deadline for t in same):
            run.outcome.already += 1
            return
        raise RuleViolation(
            f"任务「{title}」已在 {cycle.address} 的清单上（#{same[0].no}，截止 {same[0].deadline}），"
            f"此行截止 {deadline}；任务的截止日期没有更正事件，不能用 --amend 改"
        )
    event, fields = run.app._task_event(cycle, title, deadline, None)
    cycle.record(event, **fields, actor=run.acting.person)
    run.outcome.recorded.append(
        f"{cycle.address} 任务 #{fields['task_no']} {fields['title']}（截止 {deadline}）"
    )


def _findings(run: _Run, sheet: Sheet) -> None:
    for row, cells in _data_rows(run, sheet, "findings"):
        cycle = _row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        points = _checked(
            run, sheet, row, cells["points"][0], "points", _number, cells["points"][1]
        )
        observed = _checked(
            run,
            sheet,
            row,
            cells["observed_on"][0],
            "observed_on",
            _date,
            cells["observed_on"][1],
        )
        if points is None or observed is None:
            continue
        source, indicator = _text(cells["source"][1]), _text(cells["indicator"][1])
        evidence = _text(cells["evidence"][1])
        _checked(
            run,
            sheet,
            row,
            cells["indicator"][0],
            "indicator",
            _finding,
            run,
            cycle,
            source,
            indicator,
            points,
            observed,
            evidence,
        )


def _finding(
    run: _Run,
    cycle: Any,
    source: str,
    indicator: str,
    points: Decimal,
    observed: date,
    evidence: str,
) -> None:
    event, fields = run.app._finding_event(
        run.acting, cycle, source, indicator, points, observed, evidence
    )
    same = [
        f
        for f in cycle.facts.findings()
        if (f.source, f.indicator, f.points, f.observed_on, f.evidence)
        == (
            fields["source"],
            fields["indicator"],
            fields["points"],
            fields["observed_on"],
            fields["evidence"],
        )
    ]
    if same:
        run.outcome.already += 1
        return
    cycle.record(event, **fields, actor=run.acting.person)
    run.outcome.recorded.append(
        f"{cycle.address} 发现 {fields['source']} {fields['indicator']} {points}（{observed}）"
    )


def _rectifications(run: _Run, sheet: Sheet) -> None:
    listed: dict[str, list[tuple[str, str, date]]] = {}
    for row, cells in _data_rows(run, sheet, "rectifications"):
        cycle = _row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        due = _checked(run, sheet, row, cells["due"][0], "due", _date, cells["due"][1])
        if due is None:
            continue
        if cycle.address not in listed:
            listed[cycle.address] = _ordered(run, cycle.address)
        problem, owner = _text(cells["problem"][1]), _text(cells["owner"][1])
        letter = cells["problem"][0]
        _checked(
            run,
            sheet,
            row,
            letter,
            "problem",
            _rectification,
            run,
            cycle,
            problem,
            owner,
            due,
            listed,
        )


def _ordered(run: _Run, address: str) -> list[tuple[str, str, date]]:
    """The problems already ordered on a cycle: (problem, owner, due)."""
    from pdca.projections.rectifications import rectifications as table

    rows = run.app.read_view("rectifications", table, table.c.cycle == address)
    return [(r["problem"], r["owner"], r["due"]) for r in rows]


def _rectification(
    run: _Run,
    cycle: Any,
    problem: str,
    owner: str,
    due: date,
    listed: dict[str, list[tuple[str, str, date]]],
) -> None:
    known = listed[cycle.address]
    same = [k for k in known if k[0] == problem.strip()]
    if same:
        if (owner.strip(), due) in [(o, d) for _, o, d in same]:
            run.outcome.already += 1
            return
        _, was_owner, was_due = same[0]
        raise RuleViolation(
            f"问题「{problem.strip()}」已交办 {cycle.address}（责任人 {was_owner}，期限 {was_due}）；"
            "更改期限请用 pdca rectify extend，不能用导入改"
        )
    item = run.app._rectification_item(run.acting, cycle, problem, owner, due, None)
    known.append((item.problem, item.owner, due))
    run.others.append(item)
    run.outcome.recorded.append(
        f"{cycle.address} 交办整改：{item.problem}（{item.owner}，{due} 前）"
    )


def _ballots(run: _Run, sheet: Sheet) -> None:
    from pdca.application.import_columns import decimals as places_of

    app = run.app
    fixed_known = _fixed_known(FIXED["ballots"])

    def known(text: str) -> str | None:
        return fixed_known(text) or f"item:{text.split(chr(10))[0].strip()}"

    batches: dict[str, list[tuple[str, str, dict[str, Decimal]]]] = {}
    pending: dict[str, set[str]] = {}
    for row, cells in _data_rows(run, sheet, "ballots", known):
        cycle = _row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        scheme = app.scheme_of(cycle)
        places = places_of(Decimal(scheme.rules.precision))
        scores: dict[str, Decimal] = {}
        fine = True
        for cid, (letter, value) in cells.items():
            if cid.startswith("item:") and value is not None:
                number = _checked(run, sheet, row, letter, cid[5:], _number, value, places)
                fine = fine and number is not None
                if number is not None:
                    scores[cid[5:]] = number
        token = _text(cells["token"][1])
        if not fine:
            continue
        seen = pending.setdefault(cycle.address, set())
        checked = _checked(
            run, sheet, row, cells["token"][0], "token", _ballot, run, cycle, token, scores, seen
        )
        if checked:
            batches.setdefault(cycle.address, []).append(checked)
    for address, ballots in batches.items():
        from pdca.application.ballots import _shuffled

        cycle = run.cycles[address]
        digests = sorted(d for d, _, _ in ballots)
        cycle.record(
            type(cycle).BallotTokensUsed,
            token_digests=digests,
            boxed=False,
            actor=run.acting.person,
        )
        for _, group, scores in _shuffled(ballots):
            cycle.record(type(cycle).BallotCounted, group=group, scores=dict(scores))
        run.outcome.recorded.append(f"{address} 测评票 {len(ballots)} 张")


def _ballot(
    run: _Run, cycle: Any, token: str, scores: dict[str, Decimal], pending: set[str]
) -> tuple[str, str, dict[str, Decimal]] | None:
    from pdca.application.recording import SCORING

    run.app._require_phase(cycle, SCORING, "投测评票")
    digest = run.app._issued_digest(cycle, token)
    if digest is not None and digest in cycle.facts.used_tokens:
        # The ballot of a spent token is recorded; which one it was is not kept (ballots
        # are anonymous), so its content cannot be compared: counted as recorded.
        run.outcome.already += 1
        return None
    digest, group, scores = run.app._check_ballot(cycle, token, scores, pending)
    pending.add(digest)
    return digest, group, scores


_ROWS: dict[str, Callable[[_Run, Sheet], None]] = {
    "units": _units,
    "tasks": _tasks,
    "scores": _scores,
    "findings": _findings,
    "rectifications": _rectifications,
    "ballots": _ballots,
}
