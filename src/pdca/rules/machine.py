"""A scheme's stages and triggers as a ``transitions`` machine: the validator of moves.

One machine is built per scheme digest and kept for the process. To ask whether a
trigger may fire, a throw-away probe model is added at the cycle's stage; its guard
methods read the cycle's facts; ``may_<trigger>()`` answers without firing; the probe
is removed. The machine never changes the aggregate: the aggregate records the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from transitions import Machine

from pdca.domain.guards import GUARDS
from pdca.errors import RuleViolation, one_of
from pdca.rules.schemes import Scheme

_GUARD_PREFIX = "guard_"


class _Probe:
    """Stands in for a cycle inside the machine; guards read ``facts``."""

    def __init__(self, facts: Any) -> None:
        self.facts = facts


for _name, _guard in GUARDS.items():
    setattr(_Probe, _GUARD_PREFIX + _name, lambda self, *_, _g=_guard, **__: _g.holds(self.facts))


@dataclass(frozen=True)
class TriggerOption:
    """One trigger from the current stage, as ``cycle status`` shows it."""

    name: str
    label: str
    to: str
    to_label: str
    allowed: bool
    reason: str


@lru_cache(maxsize=64)
def _machine(scheme: Scheme) -> Machine:
    transitions = [
        {
            "trigger": t.name,
            "source": list(t.sources),
            "dest": t.dest,
            "conditions": [_GUARD_PREFIX + g for g in t.guards],
        }
        for t in scheme.triggers
    ]
    return Machine(
        model=None,
        states=[s.id for s in scheme.stages],
        transitions=transitions,
        initial=None,
        auto_transitions=False,
    )


def _may_fire(scheme: Scheme, stage: str, trigger: str, facts: Any) -> bool:
    machine = _machine(scheme)
    probe = _Probe(facts)
    machine.add_model(probe, initial=stage)
    try:
        return bool(getattr(probe, f"may_{trigger}")())
    finally:
        machine.remove_model(probe)


def _failed_guards(scheme: Scheme, stage: str, trigger: str, facts: Any) -> list[str]:
    names: list[str] = []
    for transition in _machine(scheme).get_transitions(trigger, source=stage):
        for condition in transition.conditions:
            guard = GUARDS[condition.func.removeprefix(_GUARD_PREFIX)]
            if not guard.holds(facts):
                names.append(f"{guard.name}：需要{guard.requirement}")
    return names


def options(scheme: Scheme, stage: str, facts: Any) -> list[TriggerOption]:
    """Every trigger from ``stage``, each with whether it may fire now and why not."""
    result = []
    for trigger in scheme.triggers_from(stage):
        allowed = _may_fire(scheme, stage, trigger.name, facts)
        reason = "" if allowed else "；".join(_failed_guards(scheme, stage, trigger.name, facts))
        result.append(
            TriggerOption(
                trigger.name,
                trigger.label,
                trigger.dest,
                scheme.stage_label(trigger.dest),
                allowed,
                reason,
            )
        )
    return result


def check(scheme: Scheme, stage: str, trigger: str, facts: Any) -> str:
    """Return the destination of ``trigger`` from ``stage``, or refuse saying why."""
    here = scheme.stage_label(stage)
    available = [t.name for t in scheme.triggers_from(stage)]
    if trigger not in available:
        known = scheme.trigger(trigger) is not None
        what = "在此阶段不可用" if known else "不存在"
        raise RuleViolation(
            f"触发器 '{trigger}' {what}：当前阶段为{here}，可用触发器：{one_of(available)}"
        )
    if not _may_fire(scheme, stage, trigger, facts):
        failed = _failed_guards(scheme, stage, trigger, facts)
        raise RuleViolation(
            f"不能执行 '{trigger}'（当前阶段{here}）：守卫未满足：{'；'.join(failed)}"
        )
    dests = {t.dest for t in _machine(scheme).get_transitions(trigger, source=stage)}
    return dests.pop()
