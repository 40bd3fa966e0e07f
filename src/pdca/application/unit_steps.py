"""The unit's own steps: 自查/自评, 重点目标申报 (approved by the 工委), 述职报告, and
申诉/复核 of a published score.

Unit staff (单位填报员) record them for their own unit only: the save path checks every
saved cycle against the account's scope (``scopes.check``), so staff of another unit are
refused and nothing is written. The 工委 (a supervisor) approves a declaration and decides
an appeal; an upheld appeal is followed by corrections (``pdca correct``) and ``pdca round
finalize --reason``, the path any change to a published result takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pdca.application.acting import Acting, writes
from pdca.application.saving import commutes
from pdca.domain.cycle import Cycle
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation, one_of


class UnitSteps:
    """Mixed into ``PdcaApplication``."""

    get_cycle: Callable[..., Cycle]
    scheme_of: Callable[[Cycle], Any]
    _require_records: Callable[..., None]
    _record_fact: Callable[..., None]
    _round_or_none: Callable[..., Any]

    def _step(self, cycle: Cycle, name: str) -> Any:
        scheme = self.scheme_of(cycle)
        steps = scheme.rules.unit_steps
        found = next((s for s in steps if name.strip() in (s.id, s.label)), None)
        if found is None:
            allowed = one_of(f"{s.id}（{s.label}）" for s in steps) or "（本方案没有单位步骤）"
            raise NotFound(f"方案 {scheme.ref} 没有单位步骤 '{name}'；允许：{allowed}")
        return found

    @writes("step record")
    @commutes
    def record_step(
        self, acting: Acting, address: str, step: str, text: str, evidence: str
    ) -> dict[str, Any]:
        """The unit takes one of its scheme's steps, in the stage the scheme names."""
        cycle = self.get_cycle(address, acting)
        found = self._step(cycle, step)
        scheme = self.scheme_of(cycle)
        earlier = cycle.facts.unit_step(found.id)
        # A required step still missing in 处理 may be recorded late (补记), as a missing
        # item may: otherwise the round could never be finalised.
        late = cycle.stage.split(".")[0] == "act" and earlier is None
        if not found.recorded_in(cycle.stage) and not late:
            raise RuleViolation(
                f"当前阶段为{scheme.stage_label(cycle.stage)}，不能提交{found.label}；"
                f"只能在{scheme.stage_label(found.stage)}提交（处理阶段可补记尚未提交的）"
            )
        self._require_records(cycle, "steps", f"提交{found.label}", found.id)
        if not text.strip() or not evidence.strip():
            raise InvalidInput(f"{found.label}必须写明内容（--text）和依据（--evidence）")
        if earlier is not None and earlier.approved is not False:
            raise Conflict(
                f"{address} 已提交{found.label}（#{earlier.provenance.position}）；"
                f"如需重交，先撤回：pdca correct withdraw {address} {earlier.provenance.position} --reason 理由"
            )
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.UnitStepRecorded,
            step=found.id,
            text=text.strip(),
            evidence=evidence.strip(),
        )
        return {"cycle": address, "position": cycle.version, "step": found.id}

    @writes("step review")
    @commutes
    def review_step(
        self, acting: Acting, address: str, step: str, approved: bool, reason: str
    ) -> dict[str, Any]:
        """The 工委 approves (or not) a step the scheme says needs approval."""
        cycle = self.get_cycle(address, acting)
        found = self._step(cycle, step)
        if not found.approval:
            raise RuleViolation(f"{found.label}（{found.id}）按方案无须审核")
        record = cycle.facts.unit_step(found.id)
        if record is None:
            raise RuleViolation(f"{address} 尚未提交{found.label}，无可审核")
        if record.approved is not None:
            verdict = "批准" if record.approved else "不批准"
            raise Conflict(
                f"{address} 的{found.label}（#{record.provenance.position}）已审核：{verdict}"
            )
        if not reason.strip():
            raise InvalidInput("审核必须写明理由（--reason）")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.UnitStepReviewed,
            fact_position=record.provenance.position,
            approved=approved,
            reason=reason.strip(),
        )
        return {"cycle": address, "position": cycle.version, "step": found.id, "approved": approved}

    @writes("appeal lodge")
    @commutes
    def lodge_appeal(
        self, acting: Acting, address: str, reason: str, evidence: str
    ) -> dict[str, Any]:
        """申诉：only a published score can be appealed, one appeal open at a time."""
        cycle = self.get_cycle(address, acting)
        rnd = self._round_or_none(cycle.period, cycle.scheme_id)
        published = rnd.published if rnd is not None else None
        if not published or not any(o["cycle"] == address for o in published):
            raise RuleViolation(f"{address} 的考核结果尚未发布，不能申诉；定稿后方可申诉")
        if any(a.upheld is None for a in cycle.facts.appeals):
            raise Conflict(f"{address} 已有未决申诉；待决定后再提")
        if not reason.strip() or not evidence.strip():
            raise InvalidInput("申诉必须写明理由（--reason）和依据（--evidence）")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.AppealLodged,
            reason=reason.strip(),
            evidence=evidence.strip(),
        )
        return {"cycle": address, "position": cycle.version}

    @writes("appeal decide")
    @commutes
    def decide_appeal(
        self, acting: Acting, address: str, upheld: bool, reason: str
    ) -> dict[str, Any]:
        """复核：the decision on the open appeal; an upheld one is followed by corrections
        and ``pdca round finalize --reason``."""
        cycle = self.get_cycle(address, acting)
        pending = [a for a in cycle.facts.appeals if a.upheld is None]
        if not pending:
            raise RuleViolation(f"{address} 没有未决申诉")
        if not reason.strip():
            raise InvalidInput("复核决定必须写明理由（--reason）")
        self._record_fact(
            acting,
            cycle,
            address,
            Cycle.AppealDecided,
            appeal_position=pending[0].position,
            upheld=upheld,
            reason=reason.strip(),
        )
        return {
            "cycle": address,
            "position": cycle.version,
            "appeal": pending[0].position,
            "upheld": upheld,
        }
