"""Rules across years read each earlier year's published outcome; a year not published,
or without the unit, breaks the run (pdca.rules.consequences, pure)."""

from __future__ import annotations

from decimal import Decimal

from pdca.rules.consequences import differences, earlier_period, evaluate
from pdca.rules.schemes import parse
from tests.unit.test_scheme_format import shipped


def outcome(unit: str, grade: str, rank: int, total: str = "91.00") -> dict:
    return {
        "cycle": f"{unit}/x", "unit": unit, "category": "企事业单位", "total": Decimal(total),
        "unrounded": Decimal(total), "rank": rank, "grade": grade, "tier": "",
    }  # fmt: skip


def test_earlier_periods_keep_their_quarter() -> None:
    assert earlier_period("2024", 1) == "2023"
    assert earlier_period("2024-Q2", 2) == "2022-Q2"


def test_a_gap_year_breaks_a_run_of_three() -> None:
    rules = parse(shipped("soe")).rules
    now = [outcome("甲", "A", 1), outcome("乙", "B", 2)]
    full = {"2023": (1, [outcome("甲", "A", 1)]), "2022": (2, [outcome("甲", "A", 1)])}
    (first, second) = evaluate(rules, "2024", now, full)
    assert [c["id"] for c in first["consequences"]] == ["commended_a_three_years"]
    assert first["read"] == [
        {"period": "2022", "finalisation": 2},
        {"period": "2023", "finalisation": 1},
    ]
    # 乙 is last of 2: 末位警示; not in 2023's outcomes, so no second year running.
    assert [c["id"] for c in second["consequences"]] == ["last_place_warning"]
    gap = {"2022": full["2022"]}  # 2023 not published
    (first, _) = evaluate(rules, "2024", now, gap)
    assert first["consequences"] == []
    assert differences({"甲": {"consequences": [{"id": "x", "label": "通报表扬"}]}}, [first]) == [
        {"unit": "甲", "cycle": "甲/x", "added": [], "removed": ["通报表扬"]}
    ]
