"""The score sheets of an import: a column per item or 采分点, a row per unit; each value
checked as ``score record`` checks it, an equal one counted as already recorded, a
different one refused unless amended (``correct amend``, or for an opinion a withdrawal
and the new opinion)."""

from __future__ import annotations

from typing import Any

from pdca.application.import_columns import FIXED, allowed_decimals
from pdca.application.import_run import (
    Run,
    cell_number,
    cell_text,
    check_cell,
    data_rows,
    fixed_known,
    note_problem,
    row_cycle,
)
from pdca.application.sheet_files import Sheet, Value
from pdca.errors import PdcaError, RuleViolation


def score_rows(run: Run, sheet: Sheet) -> None:
    from pdca.rules.naming import resolve_target

    app = run.app
    fixed = fixed_known(FIXED["scores"])
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
        return fixed(text) or f"leaf:{text}"

    told: set[tuple[str, str]] = set()
    for row, cells in data_rows(run, sheet, "scores", known):
        cycle = row_cycle(run, sheet, row, cells)
        if cycle is None:
            continue
        scheme = app.scheme_of(cycle)
        address = cycle.address
        evidence = cell_text(cells["evidence"][1]) if "evidence" in cells else ""
        evidence = evidence or f"{run.label} {sheet.where} 第 {row.number} 行"
        for cid, (letter, value) in cells.items():
            if not cid.startswith("leaf:") or value is None:
                continue
            header = cid[5:]
            target = leaf(scheme, header)
            if target is None:
                if (header, scheme.ref) not in told:
                    told.add((header, scheme.ref))
                    note_problem(
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
            check_cell(
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
    run: Run,
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
        word = cell_text(value)
        existing = facts.opinion(item_id)
        if existing is not None:
            if existing.opinion == word:
                run.outcome.already += 1
                return
            refuse_unless_amend(run, name, existing.opinion, word, existing.provenance.position)
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
        number = cell_number(value, allowed_decimals(scheme, item, high))
        existing = facts.point_score(item_id, point_id) if point_id else facts.item_score(item_id)
        if existing is not None:
            if existing.value == number:
                run.outcome.already += 1
                return
            refuse_unless_amend(run, name, existing.value, number, existing.provenance.position)
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


def refuse_unless_amend(
    run: Run, name: str, was: object, now: object, position: int | None = None
) -> None:
    if not run.amend:
        at = f"（#{position}）" if position is not None else ""
        raise RuleViolation(
            f"{name} 已记录为 {was}{at}，此行为 {now}；如确需更正，加 --amend --reason 理由 重新导入"
        )
