"""Issue 14: a scheme using each new construct (format 3) wrongly is refused, naming the
file and the key — one case per construct, each a wrong use the other ``test_scheme_*``
files do not already make (they hold more cases per construct; see
/work/notes/i14-table-U2.md). Each case edits one shipped scheme in one place."""

from __future__ import annotations

import pytest

from tests.unit.test_scheme_format import edited, refusal

GANSU_POINT = '{ id = "leading_group", label = "党组（党委）履行领导责任和主体责任", max = "1" }'
SOE_LAST_PLACE = (
    "bottom = 1             # ASSUMPTION: 「排名靠后」 = the last place of its ranking scope"
)
NANTONG_BRAND = 'requires_step = "key_targets"   # counts only if declared and approved (重点目标申报)\n\n[[catalog.categories.items]]\nid = "i_mechanism"'  # noqa: E501

CASES = {
    # construct: (scheme, old, new, key, what the refusal says)
    "points": (
        "gansu", GANSU_POINT, GANSU_POINT.replace('max = "1"', 'max = "2"'),
        "catalog.categories[4].items[1].points", "采分点合计 4 不等于该项分值 3",
    ),
    "deep catalogue counts": (
        "gansu", "declared_categories = 16", "declared_categories = -16",
        "catalog.declared_categories", "必须是 0–100000 的整数，实际为 -16",
    ),
    "opinions table": (
        "soe", '"差" = "50" }', '"差" = "差" }',
        "catalog.categories[2].items[0].opinions.差", "必须是写成字符串的小数",
    ),
    "records (sub-stage binding)": (
        "soe", 'records = ["findings", "steps:report"]', 'records = ["findings", "steps:nope"]',
        "workflow.stages[2].substages[0].records[1]",
        "未知单位步骤 'nope'；允许：report、self_evaluation",
    ),
    "approver_outside_team": (
        "gansu", "approver_outside_team = true", "approver_outside_team = 1",
        "workflow.stages[3].substages[1].approver_outside_team",
        "必须是布尔值 true 或 false（不加引号），实际为 1",
    ),
    "conversions": (
        "jilin", '"党政机关" = "3" }', '"党政机关" = "-3" }',
        "conversions[0].by_category.党政机关", "折算分值必须大于 0，实际为 -3",
    ),
    "consequences": (
        "soe", SOE_LAST_PLACE, "bottom = 0",
        "consequences[2].bottom", "必须是至少 1 的整数（名次数），实际为 0",
    ),
    'roll-up source = "periods"': (
        "dazhou", 'periods = ["Q1", "Q2", "Q3", "Q4"]', 'periods = ["H1", "H1"]',
        "components[2].periods",
        "必须是一年的全部季度（Q1–Q4）或两个半年（H1、H2），各一次；实际为 H1、H1",
    ),
    "raters": (
        "nantong", 'raters = "units"', 'raters = ["units"]',
        "ballot.groups[0].raters", "不可用；允许：units、grids",
    ),
    'rule = "carried"': (
        "soe", 'per = "1"              # ASSUMPTION: each problem', 'per = "-1" # each problem',
        "catalog.categories[0].items[5].per", "扣分必须大于 0，实际为 -1",
    ),
    "unit_steps": (
        "soe", 'stage = "check.evaluate"\nrequired = true', 'stage = "check.evaluate"\nrequired = "yes"',
        "unit_steps[1].required", "必须是布尔值 true 或 false（不加引号），实际为 \"yes\"",
    ),
    "requires_step": (
        "nantong", NANTONG_BRAND, NANTONG_BRAND.replace('"key_targets"   # counts only if declared and approved (重点目标申报)', '"report"'),
        "catalog.categories[2].items[0].requires_step", "未知单位步骤 'report'；允许：key_targets",
    ),
    "teams": (
        "gansu", 'grids = ["第一考核片"]', 'grids = "第一考核片"',
        "teams[0].grids", "必须是数组，实际为 \"第一考核片\"",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("scheme", "old", "new", "key", "said"), CASES.values(), ids=CASES)
def test_a_construct_used_wrongly_is_refused_with_file_and_key(
    scheme: str, old: str, new: str, key: str, said: str
) -> None:
    message = refusal(edited(scheme, old, new), origin=f"workflows/{scheme}.toml")
    assert message.startswith(f"方案文件无效 workflows/{scheme}.toml：1 处问题："), message
    assert f"{key}: " in message and said in message, message


PER_SHORT = 'per = "1"              # ASSUMPTION: 每少一次扣1分'  # soe first_topic
PER_BAND = 'threshold = "100"      # ASSUMPTION: 出勤率每低10%扣2分\nband = "10"\nper = "2"'


@pytest.mark.parametrize(
    ("scheme", "old", "key"),
    [
        ("soe", PER_SHORT, "catalog.categories[0].items[1].per"),
        ("nantong", PER_BAND, "catalog.categories[0].items[2].per"),
    ],
    ids=["per_occurrence", "banded"],
)
def test_a_format_3_deduction_of_zero_is_refused(scheme: str, old: str, key: str) -> None:
    """Per short occurrence or band, 0 points would make the rule void without a word."""
    zero = old.replace('per = "1"', 'per = "0"').replace('per = "2"', 'per = "0"')
    assert f"{key}: 扣分必须大于 0，实际为 0" in refusal(edited(scheme, old, zero))
