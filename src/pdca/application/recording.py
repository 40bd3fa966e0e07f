"""Recording facts on a cycle: task progress, ledger findings, item scores,
vetoes, not-applicable components and items, and corrections.

Each method checks the whole command against the cycle's pinned scheme and current
stage, then records one event. Ballots have a module of their own (``ballots``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pdca import log
from pdca.application import attaching
from pdca.application.acting import Acting, writes
from pdca.application.saving import commutes
from pdca.domain.cycle import Cycle
from pdca.domain.facts import Finding, ItemScore, PointScore
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation, one_of
from pdca.rules.naming import listed, resolve, resolve_target, things

if TYPE_CHECKING:
    from pdca.application.attaching import Upload
    from pdca.rules.scoring_rules import Item, ScoringPoint

COLLECTING = ("do", "check")  # the ledger is kept all year: 执行 and 督查
SCORING = ("check",)  # scores and ballots belong to 督查
CORRECTING = ("do", "check", "act", "closed")
_KIND_WORDS = {
    "ballot": "测评票",
    "opinion": "评价意见（撤回后重新记录）",
    "unit_step": "单位步骤（撤回后重新提交）",
}


def period_bounds(period: str) -> tuple[date, date]:
    year = int(period[:4])
    part = period[5:]
    if part.startswith("H"):
        half = int(part[1])
        return date(year, 1 + 6 * (half - 1), 1), (
            date(year, 6, 30) if half == 1 else date(year, 12, 31)
        )
    if part.startswith("Q"):
        quarter = int(part[1])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter + 1, 1) if quarter < 4 else date(year + 1, 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)


def check_item_value(item: Item, value: Decimal) -> None:
    if item.rule == "direct" and not (0 <= value <= item.max):
        raise InvalidInput(
            f"指标 {item.id}（{item.label}）的得分 {value} 超出范围；允许 0 至 {item.max}"
        )
    if item.rule == "banded" and not (0 <= value <= 100):
        raise InvalidInput(
            f"指标 {item.id}（{item.label}）记录的是百分比，{value} 超出范围；允许 0 至 100"
        )
    if item.rule in ("per_occurrence", "ratio_to_best") and value < 0:
        raise InvalidInput(f"指标 {item.id}（{item.label}）记录的是次数或数量，不能为负数 {value}")


def check_point_value(item: Item, point: ScoringPoint, value: Decimal) -> None:
    if not 0 <= value <= point.max:
        raise InvalidInput(
            f"采分点 {item.id}.{point.id}（{point.label}）的得分 {value} 超出范围；允许 0 至 {point.max}"
        )


def _decimal(value: Decimal | str) -> Decimal:
    from decimal import InvalidOperation

    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise InvalidInput(f"数值 '{value}' 不是数值；应为如 2、-0.5、87.5 的小数") from None
    if not number.is_finite():
        raise InvalidInput(f"数值 '{value}' 不是有限数值")
    return number


def _opinion_of(item: Item, text: str) -> str:
    """The opinion word of an item scored by its table, exactly as the table writes it."""
    word = text.strip()
    table = dict(item.opinions)
    if word not in table:
        allowed = one_of(f"{w}（{p} 分）" for w, p in item.opinions)
        raise InvalidInput(
            f"指标 {item.id}（{item.label}）按意见计分，'{text}' 不可用；允许：{allowed}"
        )
    return word


def _component_of(scheme: Any, item_id: str) -> str | None:
    """The items component whose categories hold the item (what ``scores:COMPONENT``
    of a sub-stage names)."""
    found = scheme.rules.item(item_id)
    if found is None:
        return None
    return next((c.id for c in scheme.rules.components if found[0].id in c.categories), None)


class Recording:
    """Mixed into ``PdcaApplication``; relies on its ``get_cycle``, ``scheme_of``,
    ``_require_phase``, ``_record_fact`` and ``_save_changed``."""

    get_cycle: Callable[..., Cycle]
    scheme_of: Callable[[Cycle], Any]
    _require_phase: Callable[..., None]
    _phase_of: Callable[[Cycle], str]
    _require_records: Callable[..., None]
    get_unit: Callable[..., Any]
    _record_fact: Callable[..., None]
    _save_changed: Callable[..., None]

    # ---- tasks ------------------------------------------------------------------------

    def _task(self, cycle: Cycle, task_no: int) -> Any:
        if task_no not in cycle.tasks:
            raise NotFound(
                f"周期 {cycle.address} 没有任务 #{task_no}；已有：{one_of(f'#{n}' for n in sorted(cycle.tasks))}"
            )
        return cycle.tasks[task_no]

    @writes("task report")
    @commutes
    def report_task(
        self,
        acting: Acting,
        address: str,
        task_no: int,
        progress: int,
        note: str | None,
        attach: Sequence[str | Upload] = (),
    ) -> None:
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, COLLECTING, "报告任务进度")
        task = self._task(cycle, task_no)
        if task.completed:
            raise RuleViolation(f"任务 #{task_no} 已完成，不能再报告进度")
        if not 0 <= progress <= 100:
            raise InvalidInput(f"进度 {progress}% 超出范围；允许 0 至 100")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.TaskReported,
            task_no=task_no,
            progress=progress,
            note=note,
            attachments=attaching.prepare(self, acting, attach),
        )

    @writes("task complete")
    @commutes
    def complete_task(
        self, acting: Acting, address: str, task_no: int, quality: str | None
    ) -> None:
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, COLLECTING, "完成任务")
        task = self._task(cycle, task_no)
        if task.completed:
            raise RuleViolation(f"任务 #{task_no} 已完成")
        qualities = [q for q, _ in self.scheme_of(cycle).rules.quality]
        if quality is not None and qualities and quality not in qualities:
            raise InvalidInput(f"未知质量评价 '{quality}'；允许：{one_of(qualities)}")
        self._record_fact(
            acting, cycle, address, Cycle.TaskCompleted, task_no=task_no, quality=quality
        )

    # ---- the ledger (台账) ----------------------------------------------------------------

    @writes("finding record")
    @commutes
    def record_finding(
        self,
        acting: Acting,
        address: str,
        source: str,
        indicator: str,
        points: Decimal,
        observed_on: date,
        evidence: str,
        attach: Sequence[str | Upload] = (),
    ) -> int:
        # A finding's checks read the stage and the scheme only, never other facts.
        cycle = self.get_cycle(address, acting, head_only=True)
        event, fields = self._finding_event(
            acting, cycle, source, indicator, points, observed_on, evidence
        )
        fields["attachments"] = attaching.prepare(self, acting, attach)
        self._record_fact(acting, cycle, address, event, **fields)
        return cycle.version

    def _finding_event(
        self,
        acting: Acting,
        cycle: Cycle,
        source: str,
        indicator: str,
        points: Decimal,
        observed_on: date,
        evidence: str,
    ) -> tuple[type, dict[str, Any]]:
        """The event a ledger finding records on ``cycle``, every rule checked."""
        self._require_phase(cycle, COLLECTING, "记录督查发现")
        self._require_records(cycle, "findings", "记录督查发现")
        scheme = self.scheme_of(cycle)
        rules = scheme.rules
        if source not in rules.ledger_sources:
            raise InvalidInput(f"未知来源 '{source}'；允许：{one_of(rules.ledger_sources)}")
        indicator = acting.named["indicator"] = resolve(scheme, "indicator", indicator)
        found = rules.indicator(indicator)
        assert found is not None
        if not found.min_points <= points <= found.max_points:
            raise InvalidInput(
                f"指标 {indicator}（{found.label}）单条记录的分值 {points} 超出范围；允许 {found.min_points} 至 {found.max_points}"
            )
        start, end = period_bounds(cycle.period)
        if not start <= observed_on <= end:
            raise RuleViolation(
                f"发现日期 {observed_on} 不在考核期 {cycle.period}（{start} 至 {end}）内"
            )
        if observed_on > acting.day:
            raise InvalidInput(f"发现日期 {observed_on} 晚于今天，不能记录尚未发生的发现")
        if not evidence.strip():
            raise InvalidInput("必须写明证据（--evidence）")
        return Cycle.FindingRecorded, {
            "source": source,
            "indicator": indicator,
            "points": points,
            "observed_on": observed_on,
            "evidence": evidence.strip(),
        }

    # ---- item scores --------------------------------------------------------------------

    def _item(self, cycle: Cycle, item_id: str) -> Item:
        rules = self.scheme_of(cycle).rules
        found = rules.item(item_id)
        if found is None:
            raise RuleViolation(
                f"未知指标 '{item_id}'；方案 {cycle.scheme_id} 的指标：{one_of(rules.item_ids())}"
            )
        return found[1]

    @writes("score record")
    @commutes
    def record_score(
        self,
        acting: Acting,
        address: str,
        item_id: str,
        value: Decimal | str,
        evidence: str,
        attach: Sequence[str | Upload] = (),
    ) -> int:
        """Record a catalogue item's value, one 采分点 of an item scored by its points
        (``ITEM.POINT`` or the point's own id or label), or the opinion on an item that
        the scheme scores by an opinion table."""
        cycle = self.get_cycle(address, acting)
        event, fields = self._score_event(acting, cycle, address, item_id, value, evidence)
        fields["attachments"] = attaching.prepare(self, acting, attach)
        self._record_fact(acting, cycle, address, event, **fields)
        return cycle.version

    @writes("score record")
    def record_score_sheet(
        self, acting: Acting, address: str, values: list[tuple[str, str]], evidence: str
    ) -> int:
        """A cycle's item scores as one sheet (the web's 评分表): every ``(item, value)``
        is checked as ``record_score`` checks it, then all are saved together — or, when
        one is refused, none. Returns how many were recorded."""
        if not values:
            raise InvalidInput("评分表中没有填写任何得分")
        cycle = self.get_cycle(address, acting)
        for item_id, value in values:
            event, fields = self._score_event(acting, cycle, address, item_id, value, evidence)
            cycle.record(event, **fields, actor=acting.person)  # checked next against this
        self._save_changed(acting, cycle, address)
        log.info("score_sheet_recorded", actor=acting.person, cycle=address, items=len(values))
        return len(values)

    def _score_event(
        self,
        acting: Acting,
        cycle: Cycle,
        address: str,
        item_id: str,
        value: Decimal | str,
        evidence: str,
    ) -> tuple[type, dict[str, Any]]:
        """The event a score records on ``cycle``, every rule checked (``record_score``
        saves it alone; ``import`` records many cycles' in one save)."""
        scheme = self.scheme_of(cycle)
        item_id, point_id = resolve_target(scheme, item_id)
        acting.named["item"] = f"{item_id}.{point_id}" if point_id else item_id
        item = self._item(cycle, item_id)
        # Scores belong to 督查; in 处理 an item still missing may be recorded late (补记),
        # since a round cannot be finalised without it and not every scheme can go back.
        if self._phase_of(cycle) != "act":
            self._require_phase(cycle, SCORING, "记录指标得分", "（处理阶段可补记尚未记录的指标）")
        self._require_records(
            cycle,
            "scores",
            f"记录指标 {item.id}（{item.label}）的得分",
            _component_of(scheme, item_id),
        )
        if item.rule == "carried":
            raise RuleViolation(
                f"指标 {item.id}（{item.label}）按上期未销号的整改项自动计分，不能记录得分"
            )
        if item.scored_points and point_id is None:
            raise RuleViolation(
                f"指标 {item.id}（{item.label}）按采分点计分；请逐个记录采分点："
                f"{one_of(f'{item.id}.{p.id}（{p.label}，0–{p.max}）' for p in item.points)}"
            )
        self._not_yet_recorded(cycle, address, item, point_id)
        if not evidence.strip():
            raise InvalidInput("必须写明证据（--evidence）")
        if item.rule == "opinion":
            opinion = _opinion_of(item, str(value))
            return Cycle.OpinionRecorded, {
                "item": item_id,
                "opinion": opinion,
                "evidence": evidence.strip(),
            }
        number = _decimal(value)
        if point_id is not None:
            point = item.point(point_id)
            assert point is not None
            check_point_value(item, point, number)
            return Cycle.PointScored, {
                "item": item_id,
                "point": point_id,
                "value": number,
                "evidence": evidence.strip(),
            }
        check_item_value(item, number)
        return Cycle.ItemScored, {"item": item_id, "value": number, "evidence": evidence.strip()}

    def _not_yet_recorded(
        self, cycle: Cycle, address: str, item: Item, point_id: str | None
    ) -> None:
        facts = cycle.facts
        existing: Any = (
            facts.point_score(item.id, point_id)
            if point_id is not None
            else (facts.opinion(item.id) if item.rule == "opinion" else facts.item_score(item.id))
        )
        name = f"{item.id}.{point_id}" if point_id else item.id
        if existing is not None:
            how = (
                f"pdca correct withdraw {address} {existing.provenance.position} --reason 理由，再重新记录"
                if item.rule == "opinion"
                else f"pdca correct amend {address} {existing.provenance.position} 新值 --reason 理由"
            )
            what = "采分点" if point_id else "指标"
            kind = "评价意见" if item.rule == "opinion" else "得分"
            raise Conflict(
                f"{what} {name} 已有{kind}记录 #{existing.provenance.position}；更正请用：{how}"
            )
        na = facts.item_not_applicable(item.id)
        if na is not None:
            raise Conflict(
                f"指标 {item.id} 已认定不适用 #{na.provenance.position}；如需记录得分，先撤回认定：pdca correct withdraw {address} {na.provenance.position} --reason 理由"
            )

    # ---- vetoes, not applicable, corrections ---------------------------------------------

    @writes("veto apply")
    @commutes
    def apply_veto(
        self,
        acting: Acting,
        address: str,
        rule: str,
        reason: str,
        evidence: str,
        observed_on: date | None = None,
        attach: Sequence[str | Upload] = (),
    ) -> int:
        """``observed_on``: when the facts behind the decision happened or were
        established (default: the acting day)."""
        cycle = self.get_cycle(address, acting)
        self._require_phase(cycle, ("check", "act"), "实施一票否决")
        self._require_records(cycle, "vetoes", "实施一票否决")
        rule = acting.named["veto"] = resolve(self.scheme_of(cycle), "veto", rule)
        if any(v.rule == rule for v in cycle.facts.vetoes()):
            raise Conflict(f"否决规则 {rule} 已对 {address} 实施")
        if not reason.strip() or not evidence.strip():
            raise InvalidInput("一票否决必须写明理由（--reason）和证据（--evidence）")
        observed = observed_on or acting.day
        if observed > acting.day:
            raise InvalidInput(f"查实日期 {observed} 晚于今天，不能记录尚未发生的事实")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.VetoApplied,
            rule=rule,
            reason=reason.strip(),
            evidence=evidence.strip(),
            observed_on=observed,
            attachments=attaching.prepare(self, acting, attach),
        )
        return cycle.version

    @writes("score na")
    @commutes
    def mark_not_applicable(self, acting: Acting, address: str, target: str, reason: str) -> int:
        """A component (reweighted) or a catalogue item (left out of its category's
        maximum) does not apply to this unit."""
        cycle = self.get_cycle(address, acting)
        scheme = self.scheme_of(cycle)
        rules = scheme.rules
        # An id or a label, of a component or of a catalogue item.
        as_component = resolve(scheme, "component", target, unknown_as_is=True)
        as_item = resolve(scheme, "item", target, unknown_as_is=True)
        component, found = rules.component(as_component), rules.item(as_item)
        if component is None and found is None:
            raise RuleViolation(
                f"未知组成部分或指标 '{target}'；组成部分（ID 或名称）："
                f"{listed(things(scheme, 'component'))}；指标：{one_of(rules.item_ids())}"
            )
        if component is not None and found is not None:
            raise RuleViolation(
                f"'{target}' 在方案 {cycle.scheme_id} 中既是组成部分又是指标，无法区分；请修改方案中的 ID"
            )
        if found is not None:
            acting.named["item"] = as_item
            return self._item_not_applicable(acting, cycle, address, found, reason)
        target = acting.named["component"] = as_component
        self._require_phase(cycle, ("check", "act"), "认定组成部分不适用")
        self._require_records(cycle, "not_applicable", "认定组成部分不适用")
        if cycle.facts.not_applicable(target) is not None:
            raise Conflict(f"组成部分 {target} 已认定不适用")
        if not reason.strip():
            raise InvalidInput("必须写明理由（--reason）")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.ComponentNotApplicable,
            component=target,
            reason=reason.strip(),
        )
        return cycle.version

    def _item_not_applicable(
        self, acting: Acting, cycle: Cycle, address: str, found: Any, reason: str
    ) -> int:
        category, item = found
        self._require_phase(cycle, ("check", "act"), "认定指标不适用")
        self._require_records(cycle, "not_applicable", "认定指标不适用")
        if category.bonus:
            raise RuleViolation(
                f"指标 {item.id} 属于加分类别「{category.label}」：未记录即不加分，无需认定不适用"
            )
        if cycle.facts.item_not_applicable(item.id) is not None:
            raise Conflict(f"指标 {item.id} 已认定不适用")
        # A score of the item, of one of its 采分点, or an opinion on it.
        recorded = [cycle.facts.item_score(item.id), cycle.facts.opinion(item.id)]
        existing = next((f for f in [*recorded, *cycle.facts.points_of(item.id)] if f), None)
        if existing is not None:
            raise Conflict(
                f"指标 {item.id} 已有得分记录 #{existing.provenance.position}；如确不适用，先撤回：pdca correct withdraw {address} {existing.provenance.position} --reason 理由"
            )
        if not reason.strip():
            raise InvalidInput("必须写明理由（--reason）")
        self._record_fact(
            acting, cycle, address, Cycle.ItemNotApplicable, item=item.id, reason=reason.strip()
        )
        return cycle.version

    def _correctable(self, cycle: Cycle, position: int, reason: str) -> Any:
        self._require_phase(cycle, CORRECTING, "更正记录")
        fact = cycle.facts.facts.get(position)
        if fact is None:
            listed = one_of(f"#{p}" for p in sorted(cycle.facts.facts))
            raise NotFound(
                f"周期 {cycle.address} 的第 {position} 号事件不是可更正的记录；可更正：{listed}"
            )
        if fact.withdrawn:
            raise RuleViolation(f"记录 #{position} 已撤回，不能再更正")
        if not reason.strip():
            raise InvalidInput("更正必须写明理由（--reason）")
        return fact

    @writes("correct withdraw")
    def withdraw_fact(
        self,
        acting: Acting,
        address: str,
        position: int,
        reason: str,
        attach: Sequence[str | Upload] = (),
    ) -> int:
        cycle = self.get_cycle(address, acting)
        self._correctable(cycle, position, reason)
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.FactWithdrawn,
            fact_position=position,
            reason=reason.strip(),
            attachments=attaching.prepare(self, acting, attach),
        )
        return cycle.version

    @writes("correct amend")
    def amend_fact(
        self,
        acting: Acting,
        address: str,
        position: int,
        value: Decimal,
        reason: str,
        attach: Sequence[str | Upload] = (),
    ) -> int:
        cycle = self.get_cycle(address, acting)
        fact = self._correctable(cycle, position, reason)
        rules = self.scheme_of(cycle).rules
        if isinstance(fact, Finding):
            indicator = rules.indicator(fact.indicator)
            if indicator and not indicator.min_points <= value <= indicator.max_points:
                raise InvalidInput(
                    f"更正后的分值 {value} 超出范围；允许 {indicator.min_points} 至 {indicator.max_points}"
                )
        elif isinstance(fact, ItemScore):
            check_item_value(self._item(cycle, fact.item), value)
        elif isinstance(fact, PointScore):
            item = self._item(cycle, fact.item)
            point = item.point(fact.point)
            if point is not None:
                check_point_value(item, point, value)
        else:
            raise RuleViolation(
                f"记录 #{position} 是{_KIND_WORDS.get(fact.kind, '否决或认定')}，只能撤回，不能改数值"
            )
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.FactAmended,
            fact_position=position,
            value=value,
            reason=reason.strip(),
            attachments=attaching.prepare(self, acting, attach),
        )
        return cycle.version
