"""The name check and the read models' columns share one limit per kind of name; a
refusal is one line whatever it echoes."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from pdca.domain import names
from pdca.errors import NotFound, RuleViolation, one_line
from pdca.projections import catalog, ledger, rectifications, scores

_UNIT_COLUMNS = [
    catalog.units.c.name,
    catalog.cycles.c.unit,
    scores.scores.c.unit,
    scores.units.c.name,
    ledger.ledger.c.unit,
    rectifications.rectifications.c.unit,
]


@pytest.mark.parametrize("column", _UNIT_COLUMNS, ids=lambda c: f"{c.table.name}.{c.name}")
def test_every_unit_column_holds_exactly_the_longest_name_a_command_accepts(column) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(column.type, String)
    assert column.type.length == names.UNIT.max_length == 200


def test_category_grid_period_and_address_columns_follow_their_constants() -> None:
    for table in (catalog.units, scores.scores, scores.units):
        assert table.c.category.type.length == names.CATEGORY.max_length
        assert table.c.grid.type.length == names.GRID.max_length
    for table in (catalog.cycles, scores.scores, ledger.ledger, rectifications.rectifications):
        assert table.c.period.type.length == names.PERIOD_COLUMN
    # An address is UNIT/PERIOD: 200 + 1 + 20 = 221 fits the 240 the columns hold.
    assert names.UNIT.max_length + 1 + names.PERIOD_COLUMN <= names.ADDRESS_COLUMN
    for column in (
        scores.scores.c.cycle,
        ledger.ledger.c.cycle,
        rectifications.rectifications.c.cycle,
    ):
        assert column.type.length == names.ADDRESS_COLUMN


def test_a_name_is_nfc_and_trimmed() -> None:
    assert names.check_name("  Cafe\u0301 ", names.UNIT) == "Caf\u00e9"
    assert names.check_name("甲" * 200, names.UNIT) == "甲" * 200
    # Characters, not bytes, as PostgreSQL's varchar counts: 200 CJK ideographs outside
    # the BMP (4 bytes each in UTF-8) still fit.
    assert names.check_name("\U00020000" * 200, names.UNIT) == "\U00020000" * 200
    # Private use stays: GB18030 puts rare characters (生僻字) there.
    assert names.check_name("\ue000局", names.UNIT) == "\ue000局"
    # Ideographic space inside a name is a visible space, not a control.
    assert names.check_name("甲\u3000局", names.UNIT) == "甲\u3000局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "单位名称不能为空"),
        ("  \u3000 ", "单位名称不能为空"),
        ("甲" * 201, "单位名称太长：201 个字符；最多 200 个"),
        ("甲\udc80局", "单位名称第 2 个字符是 U+DC80（无法解码的字节）"),
        ("甲\x1b[31m局", "单位名称第 2 个字符是 U+001B（控制字符）"),
        ("\u00ad甲", "单位名称第 1 个字符是 U+00AD（SOFT HYPHEN）"),
    ],
)
def test_a_name_is_refused_saying_why(text: str, expected: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        names.check_name(text, names.UNIT)
    assert expected in str(refused.value)


def test_a_refusal_escapes_what_would_break_or_disguise_its_line() -> None:
    assert str(NotFound("未知周期 '甲\n局/2024'")) == "未知周期 '甲\\u000a局/2024'"
    assert str(RuleViolation("a\u202eb\u200bc\U000e0001")) == "a\\u202eb\\u200bc\\U000e0001"
    assert one_line("甲\u3000局，第一片") == "甲\u3000局，第一片"  # printable: untouched
