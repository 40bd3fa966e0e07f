"""The example of docs/projections.md, run as the guide prints it.

Tried as a new admin would, a "findings per source per month" projection written from
the guide went on counting a 暗访 finding that ``pdca ledger`` showed as 已撤回. The
guide's example now honours corrections; this test takes its code (and its test) out
of the guide itself, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pdca.projections.testing import Harness, event

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "projections.md"
CYCLE = "甲局/2024"


def guide_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def guide_projection() -> Any:
    namespace: dict[str, Any] = {"__name__": "guide_example"}
    exec(compile(guide_blocks()[0], str(GUIDE), "exec"), namespace)  # noqa: S102
    return namespace["FindingsBySource"]


def finding(source: str, points: str, observed: date, evidence: str) -> Any:
    return event(
        "Cycle.FindingRecorded", of=CYCLE, source=source, indicator="discipline",
        points=Decimal(points), observed_on=observed, evidence=evidence,
    )  # fmt: skip


def totals(h: Harness) -> dict[tuple[str, str], tuple[int, Decimal]]:
    return {
        (r["source"], r["month"]): (r["findings"], Decimal(r["points"]))
        for r in h.rows("findings_by_source")
    }


BATCHINGS = pytest.mark.parametrize("batch_size", [None, 1], ids=["one-batch", "per-event"])


@BATCHINGS
def test_the_guide_example_honours_withdrawals_and_amendments(batch_size: int | None) -> None:
    h = Harness(guide_projection()(), batch_size=batch_size)
    h.given(
        event("Cycle.Opened", unit="甲局", period="2024"),  # the cycle's event 1
        finding("暗访", "-1", date(2024, 5, 6), "迟到"),  # 2
        finding("暗访", "-2", date(2024, 5, 20), "缺席"),  # 3
        finding("督查", "-0.5", date(2024, 6, 1), "未报"),  # 4
        event("Cycle.Opened", unit="乙局", period="2024"),
        event(
            "Cycle.FindingRecorded",
            of="乙局/2024",
            source="暗访",
            indicator="discipline",
            points=Decimal("-1"),
            observed_on=date(2024, 5, 9),
            evidence="脱岗",
        ),  # fmt: skip
    )
    assert totals(h) == {
        ("暗访", "2024-05"): (3, Decimal("-4")),
        ("督查", "2024-06"): (1, Decimal("-0.5")),
    }
    h.given(
        # The 暗访 finding of 2024-05-06 withdrawn (已撤回 in the ledger) ...
        event("Cycle.FactWithdrawn", of=CYCLE, fact_position=2, reason="误记"),
        # ... and the 督查 one amended (已更正).
        event("Cycle.FactAmended", of=CYCLE, fact_position=4, value=Decimal("-0.2"), reason="复核"),
    )
    assert totals(h) == {
        ("暗访", "2024-05"): (2, Decimal("-3")),
        ("督查", "2024-06"): (1, Decimal("-0.2")),
    }
    # The other cycle's share was never touched by this cycle's corrections.
    other = [
        r for r in h.rows("findings_by_source_cycles") if r["findings"] and r["points"] == "-1"
    ]
    assert len(other) == 1


def test_the_guide_test_passes_as_printed() -> None:
    namespace: dict[str, Any] = {"FindingsBySource": guide_projection()}
    exec(compile(guide_blocks()[1], str(GUIDE), "exec"), namespace)  # noqa: S102
    namespace["test_a_withdrawn_finding_no_longer_counts"]()
