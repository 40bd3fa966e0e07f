"""The scheme format has a schema (issue 12, "Seen on main → Schemes"): each case
below loaded as "方案有效" on main, silently dropping a rule, or crashed. Each must now
be refused as ``SchemeInvalid`` naming the file, the key path and, for a misspelt key,
the key that was meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.errors import SchemeInvalid
from pdca.rules.schemes import load_file, parse

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def shipped(name: str) -> str:
    return (WORKFLOWS / f"{name}.toml").read_text(encoding="utf-8")


def edited(name: str, old: str, new: str) -> str:
    text = shipped(name)
    assert text.count(old) == 1, old
    return text.replace(old, new)


def refusal(text: str, origin: str = "edited.toml") -> str:
    with pytest.raises(SchemeInvalid) as info:
        parse(text, origin=origin)
    message = str(info.value)
    assert message.startswith(f"方案文件无效 {origin}："), message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("name", "old", "new", "path", "meant"),
    [
        (
            "jilin",
            'masses_min_share = "25"',
            'masses_min_shares = "25"',
            "ballot.masses_min_shares",
            "masses_min_share",
        ),
        (
            "soe",
            'deduction_cap = "10"',
            'deduction_cp = "10"',
            "adjustments.deduction_cp",
            "deduction_cap",
        ),
        (
            "jilin",
            'per_open_carried = "-5"',
            'per_open_carry = "-5"',
            "ledger.indicators[3].per_open_carry",
            "per_open_carried",
        ),
    ],
    ids=["masses_min_shares", "deduction_cp", "per_open_carry"],
)
def test_a_misspelt_scoring_key_is_refused_with_its_path_and_the_key_meant(
    name: str, old: str, new: str, path: str, meant: str
) -> None:
    message = refusal(edited(name, old, new))
    assert f"{path}: 未知键" in message
    assert f"是否想写 {meant}？" in message


def test_points_on_a_ballot_item_need_format_3_and_must_add_up() -> None:
    # On main a ballot item's points were an unknown key; format 3 scores them. A file of
    # an older format using them is refused, since that format would not score them.
    older = edited("jilin", "format = 3", "format = 2")
    message = refusal(older)
    assert (
        "ballot.items[0].points: 此键属于方案格式 3；请在文件开头写 format = 3（本文件为格式 2）"
        in message
    )
    uneven = edited(
        "jilin",
        '{ id = "duty_lead", label = "亲自抓党建、带头履责", max = "5" }',
        '{ id = "duty_lead", label = "亲自抓党建、带头履责", max = "6" }',
    )
    assert "ballot.items[0].points: 采分点合计 21 不等于该项分值 20" in refusal(uneven)
    clash = edited("jilin", 'id = "duty_lead"', 'id = "report"')
    assert "ballot.items: 测评项目或采分点 'report' 重复" in refusal(clash)


def test_an_opinion_table_needs_format_3_its_rule_and_points_in_range() -> None:
    older = edited("soe", "format = 3", "format = 2")
    message = refusal(older)
    assert "catalog.categories[2].items[0].opinions: 此键属于方案格式 3" in message
    no_table = edited(
        "soe", 'opinions = { "好" = "100", "较好" = "85", "一般" = "70", "差" = "50" }', ""
    )
    assert (
        'catalog.categories[2].items[0].opinions: rule = "opinion" 的指标必须给出意见→分值表'
        in refusal(no_table)
    )
    too_high = edited("soe", '"好" = "100"', '"好" = "120"')
    assert (
        "catalog.categories[2].items[0].opinions.好: 意见「好」的分值 120 超出该项分值范围；允许 0 至 100"
        in refusal(too_high)
    )
    wrong_rule = edited("soe", 'rule = "opinion"', 'rule = "direct"')
    assert '只有 rule = "opinion" 的指标才有意见表；本项为 direct' in refusal(wrong_rule)


def test_catalogue_areas_are_checked() -> None:
    unknown = edited(
        "gansu", 'label = "基础保障"\narea = "basic"', 'label = "基础保障"\narea = "nosuch"'
    )
    assert (
        "area: 未知大类 'nosuch'；允许：serve_center、main_responsibility、key_tasks、basic"
        in refusal(unknown)
    )
    older = edited("gansu", "format = 3", "format = 2")
    message = refusal(older)
    for key in ("catalog.areas", "catalog.declared_areas", "catalog.categories[0].area"):
        assert f"{key}: 此键属于方案格式 3" in message
    with_points = edited(
        "gansu",
        'rule = "direct"\npoints = [\n  { id = "leading_group"',
        'rule = "banded"\npoints = [\n  { id = "leading_group"',
    )
    assert "有采分点的指标按各采分点的得分合计计分，rule 只能是 direct" in refusal(with_points)


def test_nested_sub_categories_are_refused() -> None:
    text = shipped("gansu") + '\n[[catalog.categories.categories]]\nid = "sub"\nlabel = "子类"\n'
    message = refusal(text)
    assert "catalog.categories[16].categories: 未知键" in message


def test_a_string_where_a_boolean_is_required_is_refused() -> None:
    # bool("false") is True: on main trimming stayed on.
    message = refusal(edited("jilin", "trim = true", 'trim = "false"'))
    assert 'ballot.trim: 必须是布尔值 true 或 false（不加引号），实际为 "false"' in message


def test_a_quorum_that_is_not_a_number_is_refused_not_a_traceback() -> None:
    message = refusal(edited("jilin", "quorum = 10", 'quorum = "ten"'))
    assert "ballot.quorum: 必须是" in message


@pytest.mark.parametrize("precision", ["1e-100", "0", "-0.01", "0.00001", "10", "NaN", "abc"])
def test_precision_outside_one_to_a_ten_thousandth_is_refused(precision: str) -> None:
    # On main "1e-100" validated, then explain crashed and ranking failed for good.
    message = refusal(edited("jilin", 'precision = "0.01"', f'precision = "{precision}"'))
    assert "scoring.precision: 必须是" in message


@pytest.mark.parametrize("precision", ["1", "0.1", "0.01", "0.001", "0.0001"])
def test_precision_from_one_to_a_ten_thousandth_is_accepted(precision: str) -> None:
    scheme = parse(edited("jilin", 'precision = "0.01"', f'precision = "{precision}"'))
    assert str(scheme.rules.precision) == precision


DEEP = 5000
NESTED = {
    "array": "x = " + "[" * DEEP + "]" * DEEP + "\n",
    "inline_table": "x = " + "{ a = " * DEEP + "1" + " }" * DEEP + "\n",
    "table_header": "[" + ".".join(["a"] * DEEP) + "]\nb = 1\n",
    "dotted_key": ".".join(["a"] * DEEP) + " = 1\n",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_a_5000_level_nested_text_is_refused_cleanly(kind: str) -> None:
    message = refusal(NESTED[kind], origin="deep.toml")
    assert "嵌套过深" in message


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text(shipped("jilin") + "#" * (2 << 20) + "\n", encoding="utf-8")
    with pytest.raises(SchemeInvalid, match="文件过大"):
        load_file(big)


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_a_broken_file_in_workflows_is_named_and_skipped(sqlite_workspace, kind: str) -> None:  # type: ignore[no-untyped-def]
    ws = sqlite_workspace
    (ws.root / "workflows" / "deep.toml").write_text(NESTED[kind], encoding="utf-8")
    listed = ws.ok("scheme", "list").output
    assert "jilin" in listed and "gansu" in listed
    assert "无效：deep.toml" in listed
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    line = ws.refused("scheme", "validate", str(ws.root / "workflows" / "deep.toml"))
    assert "嵌套过深" in line
    assert "未知方案 'deep'" in ws.refused("cycle", "open", "市财政局", "2025", "--scheme", "deep")


def test_a_fifo_or_folder_named_toml_is_refused_without_reading(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "folder.toml").mkdir()
    for name in ("pipe.toml", "folder.toml"):
        with pytest.raises(SchemeInvalid, match="不是普通文件"):
            load_file(tmp_path / name)


def test_every_declared_type_converts_odd_values_without_crashing_the_interpreter() -> None:
    # msgspec 0.22 crashes the interpreter (a reference-count bug) converting to a union
    # of a pattern-checked string and an array: StageRef | list[StageRef] segfaulted on
    # the first garbage collection. Run in a child so a crash fails this test alone.
    import subprocess
    import sys

    code = """
import gc, msgspec
from pdca.rules import scheme_format as f
odd = ["plan", ["plan"], 5, -3, 2.5, True, "a b", ["a b", 3], {}, {"a": 1}, "", "x" * 300]
for table in vars(f).values():
    if isinstance(table, type) and issubclass(table, msgspec.Struct):
        for field in msgspec.structs.fields(table):
            for value in odd * 5:
                try:
                    msgspec.convert(value, field.type, strict=True)
                except msgspec.ValidationError:
                    pass
            gc.collect()
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr[-2000:]
