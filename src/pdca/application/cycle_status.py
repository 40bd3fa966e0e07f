"""What ``cycle status`` answers: a cycle's stage and, for every trigger from it, whether
it may fire now and why not. Built alike by the application (``PdcaApplication.status``)
and by the quick read of ``pdca.application.quick_status``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdca.domain.facts import CycleFacts
    from pdca.rules import machine
    from pdca.rules.schemes import Scheme


@dataclass(frozen=True)
class CycleStatus:
    cycle: str
    unit: str
    period: str
    scheme: str
    scheme_digest: str
    stage: str
    stage_label: str
    version: int
    triggers: list[machine.TriggerOption]


def status_of(facts: CycleFacts, version: int, scheme: Scheme) -> CycleStatus:
    """The status of a cycle whose facts (its head suffices) stand at ``version``."""
    from pdca.rules import machine  # the stage machine: only where a trigger is checked

    return CycleStatus(
        cycle=f"{facts.unit}/{facts.period}",
        unit=facts.unit,
        period=facts.period,
        scheme=f"{facts.scheme_id}@{facts.scheme_version}",
        scheme_digest=facts.scheme_digest,
        stage=facts.stage,
        stage_label=scheme.stage_label(facts.stage),
        version=version,
        triggers=machine.options(scheme, facts.stage, facts),
    )
