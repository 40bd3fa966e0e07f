"""The unit's own steps (format 3 ``[[unit_steps]]``): what a scheme requires a unit to do
itself — 自查/自评 (甘肃, 述评考用), 重点目标申报 with the 工委's approval (南通), 述职报告
(吉林, 述评考用) — where in the workflow, and whether it must be approved to count.

A required step not taken (or not yet approved) is missing like an unscored item: the
cycle has no total and ``round finalize`` names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdca.rules import scheme_format as fmt

KIND_LABELS = {"self_assessment": "自查自评", "declaration": "申报", "report": "述职报告"}


@dataclass(frozen=True)
class UnitStep:
    id: str
    label: str
    kind: str
    stage: str  # a stage id, or a phase standing for its sub-stages
    required: bool
    approval: bool

    def recorded_in(self, stage_id: str) -> bool:
        return stage_id == self.stage or stage_id.split(".")[0] == self.stage


def read_unit_steps(file: fmt.SchemeFile, out: Any) -> tuple[UnitStep, ...]:
    """The steps, each checked: a known stage, ids unique."""
    stages = _stage_ids(file)
    steps: list[UnitStep] = []
    for n, entry in enumerate(file.unit_steps):
        where = f"unit_steps[{n}]"
        if entry.stage not in stages:
            out.add(f"{where}.stage", f"未知阶段 '{entry.stage}'；允许：{'、'.join(stages)}")
        if any(s.id == entry.id for s in steps):
            out.add(f"{where}.id", f"单位步骤 '{entry.id}' 重复")
        steps.append(
            UnitStep(
                entry.id,
                entry.label or entry.id,
                entry.kind,
                entry.stage,
                entry.required,
                entry.approval,
            )
        )
    return tuple(steps)


def check_item_steps(file: fmt.SchemeFile, steps: tuple[UnitStep, ...], out: Any) -> None:
    """An item's ``requires_step`` names a step of this scheme."""
    known = [s.id for s in steps]
    for n, category in enumerate(file.catalog.categories):
        for m, item in enumerate(category.items):
            if item.requires_step is not None and item.requires_step not in known:
                out.add(
                    f"catalog.categories[{n}].items[{m}].requires_step",
                    f"未知单位步骤 '{item.requires_step}'；允许：{'、'.join(known) or '（无）'}",
                )


def _stage_ids(file: Any) -> list[str]:
    ids: list[str] = []
    for stage in file.workflow.stages:
        ids.append(stage.id)
        ids += [f"{stage.id}.{sub.id}" for sub in stage.substages]
    return ids


def taken(step: UnitStep, facts: Any) -> bool:
    """Recorded (its latest active record), and approved where the scheme says so."""
    record = facts.unit_step(step.id)
    return record is not None and (not step.approval or record.approved is True)


def lacking(step: UnitStep, facts: Any) -> str:
    """Why a step does not count yet, one phrase ("" once it does)."""
    record = facts.unit_step(step.id)
    if record is None:
        return "单位尚未提交"
    if step.approval and record.approved is None:
        return "已提交，待审核（pdca step review）"
    if step.approval and record.approved is False:
        return "未获批准，须重新提交"
    return ""
