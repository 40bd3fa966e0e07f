"""Rectification (整改) use cases: order, report, submit, verify, extend, sweep.

Mixed into ``PdcaApplication``. Every command is checked against the item's
lifecycle machine (``rectification_flow``), four eyes and its dates before one
event is recorded. Dates are parameters, so history and tests are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from pdca import log
from pdca.application.acting import Acting, writes
from pdca.application.saving import commutes
from pdca.domain import names
from pdca.domain.facts import Finding
from pdca.errors import InvalidInput, NotFound, RuleViolation, one_of

if TYPE_CHECKING:  # loaded by the rectify commands only, off the start-up path of the others
    from pdca.application.attaching import Upload
    from pdca.domain.rectification import Rectification

ORDERING = ("do", "check", "act")  # 交办 from 执行 on: 南通 交办, 达州 monthly 通报 → 整改


@dataclass(frozen=True)
class Escalated:
    item: str
    cycle: str
    days_overdue: int
    level: int
    measure: str


def colour(row: dict[str, Any], today: date, near_days: int) -> str:
    """The 督办 office's three colours: 红 overdue, 黄 rejected or behind, 蓝 deadline near."""
    if row["status"] == "closed":
        return ""
    if today > row["due"]:
        return "红"
    ordered, due = row["ordered_on"], row["due"]
    halfway = ordered.toordinal() + (due.toordinal() - ordered.toordinal()) / 2
    if row["rejected"] or (
        row["reports"] == 0 and row["status"] == "ordered" and today.toordinal() > halfway
    ):
        return "黄"
    if (due - today).days <= near_days:
        return "蓝"
    return ""


class Rectifying:
    repository: Any
    get_cycle: Callable[[str], Any]
    scheme_of: Callable[[Any], Any]
    read_view: Callable[..., list[dict[str, Any]]]
    _require_phase: Callable[..., None]
    _save_new: Callable[..., None]
    _save_changed: Callable[..., None]
    unit_key: Callable[[str], str]

    @writes("rectify order")
    def order_rectification(
        self,
        acting: Acting,
        address: str,
        problem: str,
        owner: str,
        due: date,
        finding: int | None,
    ) -> Rectification:
        cycle = self.get_cycle(address, acting)
        item = self._rectification_item(acting, cycle, problem, owner, due, finding)
        self._save_new(acting, item, "整改事项已存在")
        log.info(
            "rectification_ordered",
            actor=acting.person,
            cycle=address,
            item=item.short_id,
            due=due.isoformat(),
        )
        return item

    def _rectification_item(
        self,
        acting: Acting,
        cycle: Any,
        problem: str,
        owner: str,
        due: date,
        finding: int | None,
    ) -> Any:
        """A rectification item ordered on ``cycle``, every rule checked, not yet saved
        (``import`` saves many in one go)."""
        today = acting.day
        address = cycle.address
        self._require_phase(cycle, ORDERING, "交办整改")
        if not problem.strip() or not owner.strip():
            raise InvalidInput("必须写明问题（--problem）和整改责任人（--owner）")
        owner = names.check_name(owner, names.OWNER)
        if due < today:
            raise RuleViolation(f"整改期限 {due} 早于交办日期 {today}；期限必须不早于交办当日")
        if finding is not None and not isinstance(cycle.facts.facts.get(finding), Finding):
            found = one_of(
                f"#{p}" for p, f in sorted(cycle.facts.facts.items()) if isinstance(f, Finding)
            )
            raise NotFound(f"周期 {address} 没有第 {finding} 号督查发现；已有发现：{found}")
        from pdca.domain.rectification import Rectification

        item = Rectification(
            cycle=cycle.address,
            unit=cycle.unit,
            period=cycle.period,
            problem=problem.strip(),
            owner=owner,
            due=due,
            ordered_on=today,
            finding=finding,
            actor=acting.person,
        )
        return item

    def rectification_attachments(self, ref: str) -> list[dict[str, Any]]:
        """The files the item's reports name, in the order recorded (each with the
        event's position and actor), read from its history."""
        from pdca.domain.evidence import refs_of

        item = self.get_rectification(ref)
        return [
            {**found, "position": e.originator_version, "actor": getattr(e, "actor", "")}
            for e in self.repository.event_store.get(item.id)
            for found in refs_of(vars(e))
        ]

    def get_rectification(self, ref: str) -> Rectification:
        ref = ref.strip().lower()
        if len(ref) < 6:
            raise RuleViolation(
                f"整改事项编号 '{ref}' 太短；至少写 6 位，如 pdca rectify list 所示"
            )
        from pdca.projections.rectifications import rectifications

        rows = self.read_view(
            # autoescape: a typed ``%`` or ``_`` is a character, not a LIKE wildcard.
            "rectifications",
            rectifications,
            rectifications.c.item_id.startswith(ref, autoescape=True),
        )
        if not rows:
            raise NotFound(f"未知整改事项 '{ref}'；pdca rectify list 查看已有事项")
        if len(rows) > 1:
            raise RuleViolation(
                f"编号 '{ref}' 对应多个事项：{one_of(r['item_id'][:12] for r in rows)}；请多写几位"
            )
        try:
            return self.repository.get(UUID(rows[0]["item_id"]))
        except AggregateNotFoundError:  # pragma: no cover - the view is built from these events
            raise NotFound(f"未知整改事项 '{ref}'") from None

    def _move(self, item: Rectification, move: str, acting: Acting) -> None:
        """Refuse a move the item's status does not allow; four eyes compare everyone the
        submission and this act count as (``acting.identities``)."""
        from pdca.application.acting import identities, recorded_assurance, recorded_principal
        from pdca.rules import rectification_flow

        submitted: frozenset[str] = frozenset()
        if move == "accept" and item.submitted_by is not None:
            last = [
                e
                for e in self.repository.event_store.get(item.id)
                if type(e).__name__ == "Submitted"
            ][-1]
            submitted = identities(last.actor, recorded_principal(last), recorded_assurance(last))
        me = identities(acting.person, acting.principal, acting.assurance)
        rectification_flow.check(item.status, move, submitted, me)

    @writes("rectify report")
    @commutes
    def report_rectification(
        self, acting: Acting, ref: str, note: str, attach: Sequence[str | Upload] = ()
    ) -> Rectification:
        from pdca.application.attaching import prepare

        item = self.get_rectification(ref)
        self._move(item, "report", acting)
        if not note.strip():
            raise InvalidInput("进展报告不能为空（--note）")
        files = prepare(self, acting, attach)
        item.report(note=note.strip(), on=acting.day, actor=acting.person, attachments=files)
        self._save_changed(acting, item, f"整改事项 {item.short_id}")
        return item

    @writes("rectify submit")
    def submit_rectification(self, acting: Acting, ref: str, note: str | None) -> Rectification:
        item = self.get_rectification(ref)
        self._move(item, "submit", acting)
        item.submit(note=note, on=acting.day, actor=acting.person)
        self._save_changed(acting, item, f"整改事项 {item.short_id}")
        return item

    @writes("rectify verify")
    def verify_rectification(
        self, acting: Acting, ref: str, accept: bool, reason: str | None
    ) -> Rectification:
        item = self.get_rectification(ref)
        self._move(item, "accept" if accept else "reject", acting)
        if not accept and not (reason or "").strip():
            raise InvalidInput("退回整改必须写明理由（--reason）")
        today, actor = acting.day, acting.person
        item.verify(accepted=accept, reason=(reason or "").strip(), on=today, actor=actor)
        receiving = []
        if accept and item.carried_to:
            # The next period checks its 老毛病: tell it this one is now put right.
            from pdca.domain.cycle import Cycle

            # Even a voided one: the item waits there for the cycle opened again.
            cycle = self.get_cycle(item.carried_to, acting, voided_too=True)
            cycle.record(Cycle.CarriedProblemClosed, item=item.id.hex, on=today, actor=actor)
            receiving.append(cycle)
        self._save_changed(acting, item, f"整改事项 {item.short_id}", *receiving)
        log.info("rectification_verified", actor=actor, item=item.short_id, accepted=accept)
        return item

    @writes("rectify extend")
    def extend_rectification(
        self, acting: Acting, ref: str, due: date, reason: str
    ) -> Rectification:
        item = self.get_rectification(ref)
        self._move(item, "extend", acting)
        if due <= item.due:
            raise RuleViolation(f"新期限 {due} 必须晚于现期限 {item.due}")
        if not reason.strip():
            raise InvalidInput("延期必须写明理由（--reason）")
        item.extend(due=due, reason=reason.strip(), on=acting.day, actor=acting.person)
        self._save_changed(acting, item, f"整改事项 {item.short_id}")
        return item

    def _open_items(self, *where: Any) -> list[dict[str, Any]]:
        from pdca.projections.rectifications import rectifications as r

        return self.read_view(
            "rectifications",
            r,
            r.c.status != "closed",
            r.c.carried_to.is_(None),
            *where,
            order_by=(r.c.due, r.c.item_id),
        )

    def carry_over_into(self, cycle: Any, actor: str) -> list[Any]:
        """Record on a newly opened cycle the unit's items still open from earlier periods,
        and on each item where it went. Returns the items, to be saved with the cycle.

        Items carried into a voided cycle at the same address come to the cycle opened
        there again: they already name its address, so only the cycle records them."""
        from sqlalchemy import and_

        from pdca.domain.cycle import Cycle
        from pdca.projections.rectifications import rectifications as r

        rows = [x for x in self._open_items(r.c.unit == cycle.unit) if x["period"] < cycle.period]
        moving = [self.repository.get(UUID(x["item_id"])) for x in rows]
        again = self.read_view(
            "rectifications",
            r,
            and_(r.c.status != "closed", r.c.carried_to == cycle.address),
            order_by=(r.c.due, r.c.item_id),
        )
        items = moving + [self.repository.get(UUID(x["item_id"])) for x in again]
        if not items:
            return []
        cycle.record(
            Cycle.ProblemsCarriedIn,
            items=[
                {"item": i.id.hex, "problem": i.problem, "from_cycle": i.cycle, "due": i.due}
                for i in items
            ],
            actor=actor,
        )
        for item in moving:
            item.carry_over(to_cycle=cycle.address, actor=actor)
        return moving

    def require_rectifications_settled(self, cycle: Any) -> None:
        """A cycle closes only when its items are closed out (销号) or carried over."""
        from pdca.projections.rectifications import rectifications as r

        rows = self._open_items(r.c.cycle == cycle.address)
        if rows:
            listed = one_of(f"{x['item_id'][:8]}「{x['problem']}」" for x in rows)
            raise RuleViolation(
                f"周期 {cycle.address} 还有未销号也未结转的整改事项，不能结束：{listed}；"
                f"销号（pdca rectify verify）或待下一考核期开启时自动结转"
            )

    @writes("rectify sweep")
    @commutes
    def sweep_rectifications(self, acting: Acting) -> list[Escalated]:
        """Record each escalation step an overdue item has reached and not yet had, once."""
        today, actor = acting.day, acting.person
        from pdca.projections.rectifications import rectifications

        rows = self.read_view(
            "rectifications",
            rectifications,
            rectifications.c.status != "closed",
            rectifications.c.due < today,
            order_by=(rectifications.c.due, rectifications.c.item_id),
        )
        recorded, changed = [], []
        for row in rows:
            item: Rectification = self.repository.get(UUID(row["item_id"]))
            steps = self.scheme_of(self.get_cycle(item.cycle)).rules.escalations
            overdue, before = item.days_overdue(today), item.escalation
            for level, step in enumerate(steps, 1):
                if level > item.escalation and overdue >= step.after_days:
                    item.escalate(level=level, measure=step.measure, on=today, actor=actor)
                    recorded.append(
                        Escalated(item.short_id, item.cycle, overdue, level, step.measure)
                    )
            if item.escalation != before:
                changed.append(item)
        if changed:
            # One save: a sweep is recorded whole or not at all.
            self._save_changed(acting, changed[0], "逐级督办", *changed[1:])
        log.info(
            "rectifications_swept", actor=actor, today=today.isoformat(), escalated=len(recorded)
        )
        return recorded

    def rectification_bulletin(self, month: str, period: str | None = None) -> list[dict[str, Any]]:
        """整改月报: per unit, items opened and closed out in ``month`` (YYYY-MM), open and
        overdue at its end, and the close-out rate of everything ordered so far; only the
        items ordered in the cycles of ``period`` when it is given."""
        import calendar
        import re

        from pdca.projections.rectifications import rectifications as r

        try:
            # ASCII digits only: int() also reads full-width and Arabic-Indic ones.
            found = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip(), re.ASCII)
            if found is None:
                raise ValueError(month)
            year, mon = int(found[1]), int(found[2])
            start, end = date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
        except ValueError:
            raise InvalidInput(f"月份 '{month}' 格式不对；应为 YYYY-MM，例如 2025-03") from None
        where = [r.c.ordered_on <= end] + ([r.c.period == period] if period else [])
        rows = self.read_view("rectifications", r, *where, order_by=(r.c.unit,))
        units: dict[str, dict[str, Any]] = {}
        for row in rows:
            u = units.setdefault(
                row["unit"],
                {
                    "unit": row["unit"],
                    "opened": 0,
                    "closed": 0,
                    "open": 0,
                    "overdue": 0,
                    "ordered": 0,
                    "closed_total": 0,
                },
            )
            closed = row["closed_on"] is not None and row["closed_on"] <= end
            u["ordered"] += 1
            u["opened"] += start <= row["ordered_on"] <= end
            u["closed"] += closed and row["closed_on"] >= start
            u["closed_total"] += closed
            if not closed:
                u["open"] += 1
                u["overdue"] += row["due"] < end
        for u in units.values():
            u["rate"] = f"{u['closed_total'] * 100 / u['ordered']:.1f}%" if u["ordered"] else "—"
        return list(units.values())

    def list_rectifications(
        self, today: date, unit: str | None = None, status: str | None = None, overdue: bool = False
    ) -> list[dict[str, Any]]:
        from pdca.domain.rectification import STATUS_LABELS
        from pdca.projections.rectifications import rectifications

        if (
            status is not None
            and status not in STATUS_LABELS
            and status not in STATUS_LABELS.values()
        ):
            allowed = one_of(f"{k}（{v}）" for k, v in STATUS_LABELS.items())
            raise RuleViolation(f"未知状态 '{status}'；允许：{allowed}")
        where = []
        if unit:
            where.append(rectifications.c.unit == self.unit_key(unit))
        if status:
            code = next((k for k, v in STATUS_LABELS.items() if status in (k, v)), status)
            where.append(rectifications.c.status == code)
        rows = self.read_view(
            "rectifications",
            rectifications,
            *where,
            # Items due the same day list by id, so a listing is the same on every run.
            order_by=(rectifications.c.due, rectifications.c.item_id),
        )
        near = {}
        result = []
        for row in rows:
            if row["cycle"] not in near:
                near[row["cycle"]] = self.scheme_of(self.get_cycle(row["cycle"])).rules.near_days
            days = max((today - row["due"]).days, 0) if row["status"] != "closed" else 0
            if overdue and days == 0:
                continue
            result.append(
                {**row, "days_overdue": days, "colour": colour(row, today, near[row["cycle"]])}
            )
        return result
