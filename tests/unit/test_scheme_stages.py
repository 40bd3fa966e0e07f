"""Issue 14 items 4, 10, 12 in the scheme format: each new construct used wrongly is
refused naming the file and the key (``records``, ``approver_outside_team``, a ballot
group's ``raters``, ``rule = "carried"``), and each needs format 3."""

from __future__ import annotations

from tests.unit.test_scheme_format import edited, refusal

PEER = 'records = ["ballots:peer_units"]'
RATERS = 'raters = "units"'


def test_records_name_a_fact_kind_and_an_existing_group_or_items_component() -> None:
    where = "workflow.stages[2].substages[0].records[0]"
    message = refusal(edited("nantong", PEER, 'records = ["ballots:masses"]'))
    assert (
        f"{where}: 未知测评组 'masses'；允许：peer_units、leaders、instructors、party_members"
        in message
    )
    message = refusal(edited("nantong", PEER, 'records = ["scores:overall"]'))
    assert f"{where}: 未知组成部分 'overall'；允许：basic、key" in message  # a ballots part
    message = refusal(edited("nantong", PEER, 'records = ["findings:discipline"]'))
    assert (
        f"{where}: 'findings' 不能再加限定（:discipline）；只有 scores、ballots 和 steps 可以"
        in message
    )
    message = refusal(edited("nantong", PEER, 'records = ["votes"]'))
    assert (
        f"{where}: 必须是 scores、ballots、findings、vetoes、not_applicable、steps 之一" in message
    )


def test_approver_outside_team_is_a_boolean() -> None:
    message = refusal(
        edited("gansu", "approver_outside_team = true", 'approver_outside_team = "true"')
    )
    assert "workflow.stages[3].substages[1].approver_outside_team: " in message


def test_raters_are_units_or_grids() -> None:
    message = refusal(edited("nantong", RATERS, 'raters = "persons"'))
    assert "ballot.groups[0].raters: " in message and "units" in message


def test_a_carried_item_has_its_per_and_no_points_or_opinions() -> None:
    no_per = edited("soe", 'per = "1"              # ASSUMPTION: each problem', "# ")
    assert "catalog.categories[0].items[5].per: " in refusal(no_per)
    with_points = edited(
        "soe",
        'rule = "carried"\n',
        'rule = "carried"\npoints = [{ id = "a", max = "10" }]\n',
    )
    assert (
        'catalog.categories[0].items[5].rule: rule = "carried" 的指标按上期未销号的整改项自动计分，'
        "不能有采分点或意见表" in refusal(with_points)
    )


def test_each_construct_needs_format_3() -> None:
    older = edited("nantong", "format = 3", "format = 2")
    message = refusal(older)
    needs = "此键属于方案格式 3；请在文件开头写 format = 3（本文件为格式 2）"
    assert f"workflow.stages[2].substages[0].records: {needs}" in message
    assert f"ballot.groups[0].raters: {needs}" in message
    gansu = refusal(edited("gansu", "format = 3", "format = 2"))
    assert f"workflow.stages[3].substages[1].approver_outside_team: {needs}" in gansu
    soe = refusal(edited("soe", "format = 3", "format = 2"))
    assert f"catalog.categories[0].items[5].rule: {needs}" in soe
