"""The other sheets of an import: units, a month's tasks, ledger findings, rectification
orders and ballots — each row checked by its single command's own rules, an equal row
counted as already recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pdca.application.import_columns import FIXED
from pdca.application.import_run import (
    Run,
    cell_date,
    cell_number,
    cell_text,
    check_cell,
    data_rows,
    fixed_known,
    row_cycle,
)
from pdca.application.import_scores import refuse_unless_amend, score_rows
from pdca.application.sheet_files import Sheet
from pdca.errors import NotFound, RuleViolation


def _units(run: Run, sheet: Sheet) -> None:
    for row, cells in data_rows(run, sheet, "units"):
        name = cell_text(cells["name"][1])
        category = cell_text(cells["category"][1])
        grid = cell_text(cells["grid"][1]) if "grid" in cells else ""
        check_cell(
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


def _unit(run: Run, name: str, category: str, grid: str | None) -> None:
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
    refuse_unless_amend(run, f"单位 {unit.name}", was, f"{category}，{grid or '无联系片'}")
    changed = app._edited_unit(acting, unit, category, grid or "", None, run.reason)
    run.others.extend(changed)
    run.outcome.amended += 1
    run.outcome.recorded.append(f"更正单位 {unit.name}：{category}，{grid or '无联系片'}")


def _tasks(run: Run, sheet: Sheet) -> None:
    for row, cells in data_rows(run, sheet, "tasks"):
        cycle = row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        title = cell_text(cells["title"][1])
        deadline = check_cell(
            run, sheet, row, cells["deadline"][0], "deadline", cell_date, cells["deadline"][1]
        )
        if deadline is None:
            continue
        check_cell(run, sheet, row, cells["title"][0], "title", _task, run, cycle, title, deadline)


def _task(run: Run, cycle: Any, title: str, deadline: date) -> None:
    titles = run.index("tasks", cycle, _titles)
    same = titles.get(title.strip(), [])
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
    titles.setdefault(fields["title"], []).append(cycle.tasks[fields["task_no"]])
    run.outcome.recorded.append(
        f"{cycle.address} 任务 #{fields['task_no']} {fields['title']}（截止 {deadline}）"
    )


def _titles(cycle: Any) -> dict[str, list[Any]]:
    titles: dict[str, list[Any]] = {}
    for task in cycle.tasks.values():
        titles.setdefault(task.title, []).append(task)
    return titles


def _recorded_findings(cycle: Any) -> set[tuple[Any, ...]]:
    keys = ("source", "indicator", "points", "observed_on", "evidence")
    return {_finding_key({k: getattr(f, k) for k in keys}) for f in cycle.facts.findings()}


def _finding_key(fields: Any) -> tuple[Any, ...]:
    return tuple(fields[k] for k in ("source", "indicator", "points", "observed_on", "evidence"))


def _findings(run: Run, sheet: Sheet) -> None:
    for row, cells in data_rows(run, sheet, "findings"):
        cycle = row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        points = check_cell(
            run, sheet, row, cells["points"][0], "points", cell_number, cells["points"][1]
        )
        observed = check_cell(
            run,
            sheet,
            row,
            cells["observed_on"][0],
            "observed_on",
            cell_date,
            cells["observed_on"][1],
        )
        if points is None or observed is None:
            continue
        source, indicator = cell_text(cells["source"][1]), cell_text(cells["indicator"][1])
        evidence = cell_text(cells["evidence"][1])
        check_cell(
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
    run: Run,
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
    recorded = run.index("findings", cycle, _recorded_findings)
    if _finding_key(fields) in recorded:
        run.outcome.already += 1
        return
    recorded.add(_finding_key(fields))
    cycle.record(event, **fields, actor=run.acting.person)
    run.outcome.recorded.append(
        f"{cycle.address} 发现 {fields['source']} {fields['indicator']} {points}（{observed}）"
    )


def _rectifications(run: Run, sheet: Sheet) -> None:
    listed: dict[str, list[tuple[str, str, date]]] = {}
    for row, cells in data_rows(run, sheet, "rectifications"):
        cycle = row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        due = check_cell(run, sheet, row, cells["due"][0], "due", cell_date, cells["due"][1])
        if due is None:
            continue
        if cycle.address not in listed:
            listed[cycle.address] = _ordered(run, cycle.address)
        problem, owner = cell_text(cells["problem"][1]), cell_text(cells["owner"][1])
        letter = cells["problem"][0]
        check_cell(
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


def _ordered(run: Run, address: str) -> list[tuple[str, str, date]]:
    """The problems already ordered on a cycle: (problem, owner, due)."""
    from pdca.projections.rectifications import rectifications as table

    rows = run.app.read_view("rectifications", table, table.c.cycle == address)
    return [(r["problem"], r["owner"], r["due"]) for r in rows]


def _rectification(
    run: Run,
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


def _ballots(run: Run, sheet: Sheet) -> None:
    from pdca.application.import_columns import decimals as places_of

    app = run.app
    fixed = fixed_known(FIXED["ballots"])

    def known(text: str) -> str | None:
        return fixed(text) or f"item:{text.split(chr(10))[0].strip()}"

    batches: dict[str, list[tuple[str, str, dict[str, Decimal]]]] = {}
    pending: dict[str, set[str]] = {}
    for row, cells in data_rows(run, sheet, "ballots", known):
        cycle = row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        scheme = app.scheme_of(cycle)
        places = places_of(Decimal(scheme.rules.precision))
        scores: dict[str, Decimal] = {}
        fine = True
        for cid, (letter, value) in cells.items():
            if cid.startswith("item:") and value is not None:
                number = check_cell(run, sheet, row, letter, cid[5:], cell_number, value, places)
                fine = fine and number is not None
                if number is not None:
                    scores[cid[5:]] = number
        token = cell_text(cells["token"][1])
        if not fine:
            continue
        seen = pending.setdefault(cycle.address, set())
        checked = check_cell(
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
    run: Run, cycle: Any, token: str, scores: dict[str, Decimal], pending: set[str]
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


ROWS: dict[str, Callable[[Run, Sheet], None]] = {
    "units": _units,
    "tasks": _tasks,
    "scores": score_rows,
    "findings": _findings,
    "rectifications": _rectifications,
    "ballots": _ballots,
}
