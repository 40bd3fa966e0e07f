"""The scoring content validator: arithmetic problems refuse the file; inconsistencies
the seeds themselves contain load with a warning that gives the numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pdca.errors import SchemeInvalid
from pdca.rules.schemes import load_file, parse
from tests.unit.test_schemes import MINIMAL

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

SCORED = (
    MINIMAL
    + """
[scoring]
precision = "0.01"

[[components]]
id = "onsite"
weight = "60"
source = "items"
categories = ["basic"]

[[components]]
id = "votes"
weight = "40"
source = "ballots"

[[catalog.categories]]
id = "basic"
label = "基础"
[[catalog.categories.items]]
id = "meetings"
label = "三会一课"
max = "2"
rule = "per_occurrence"
required = "12"
per = "0.5"

[ballot]
max = "100"
quorum = 3
masses_group = "masses"
masses_min_share = "15"
[[ballot.items]]
id = "all"
max = "100"
[[ballot.groups]]
id = "leaders"
weight = "85"
[[ballot.groups]]
id = "masses"
weight = "15"
"""
)


def test_a_scored_scheme_loads() -> None:
    rules = parse(SCORED).rules
    assert [c.id for c in rules.components] == ["onsite", "votes"]
    assert rules.item("meetings")[1].per == Decimal("0.5")


def test_weights_that_do_not_sum_to_100_are_refused_with_the_sum() -> None:
    with pytest.raises(
        SchemeInvalid, match=r"components: 权重合计必须为 100%，实际为 onsite 60 \+ votes 30 = 90%"
    ):
        parse(SCORED.replace('weight = "40"', 'weight = "30"'))


def test_masses_share_below_the_floor_is_refused() -> None:
    broken = SCORED.replace('weight = "85"', 'weight = "90"').replace(
        'weight = "15"', 'weight = "10"'
    )
    with pytest.raises(SchemeInvalid, match="群众评价比例 10% 低于方案规定的下限 15%"):
        parse(broken)


def test_floats_are_refused_so_no_binary_rounding_creeps_in() -> None:
    with pytest.raises(SchemeInvalid, match=r'per: 请把小数写成字符串 "0.5"'):
        parse(SCORED.replace('per = "0.5"', "per = 0.5"))


def test_unknown_references_are_each_reported() -> None:
    broken = SCORED.replace('categories = ["basic"]', 'categories = ["nosuch"]') + (
        '\n[[vetoes]]\nid = "v"\nlabel = "否决"\ngrade = "Z"\n'
    )
    with pytest.raises(SchemeInvalid) as info:
        parse(broken)
    assert "components[0].categories: 未知类别 'nosuch'" in str(info.value)
    assert "vetoes[0].grade: 未知等次 'Z'" in str(info.value)


def test_gansu_catalogue_inconsistency_is_a_warning_with_the_numbers() -> None:
    # The gansu text of format 1 (before the catalogue had levels) warns as it did; the
    # shipped one checks each level (tests/scenarios/test_gansu.py).
    scheme = load_file(WORKFLOWS.parent / "tests" / "unit" / "pinned" / "gansu.toml")
    assert any(
        "定量 57 项 + 定性 11 项 = 68 项，但总数为 71 项（相差 3）" in w for w in scheme.warnings
    )


@pytest.mark.parametrize("name", ["jilin", "gansu", "soe", "dazhou", "nantong"])
def test_each_seed_system_has_a_scored_scheme(name: str) -> None:
    scheme = load_file(WORKFLOWS / f"{name}.toml")
    assert scheme.rules.scored
    assert sum(c.weight for c in scheme.rules.components) == 100
