"""Format 3 ``[[teams]]`` (issue 14 item 11): 吉林's four 副书记 each taking a 片 and
甘肃's 11 考核组 are written in the schemes; a team used wrongly is refused with its key."""

from __future__ import annotations

from pdca.rules.schemes import parse
from tests.unit.test_scheme_format import edited, refusal, shipped


def test_the_seeds_teams_are_in_the_schemes() -> None:
    jilin = parse(shipped("jilin"))
    # 001: 「133個單位按照黨政機關、中直單位、群團組織、企事業單位分類劃片,4位分管副書記分頭扎進基層」
    assert [t["categories"] for t in jilin.teams] == [
        ["党政机关"],
        ["中直单位"],
        ["群团组织"],
        ["企事业单位"],
    ]
    gansu = parse(shipped("gansu"))
    # 003: 「组成了11个考核组」
    assert len(gansu.teams) == 11
    assert gansu.team("第三考核组") == gansu.team("group_03")
    assert gansu.team("group_03") == {
        "id": "group_03",
        "label": "第三考核组",
        "grids": ["第三考核片"],
        "categories": [],
    }


def test_teams_need_format_3() -> None:
    older = edited("gansu", "format = 3", "format = 2")
    assert "teams: 此键属于方案格式 3；请在文件开头写 format = 3（本文件为格式 2）" in refusal(
        older
    )


def test_a_team_without_grids_or_categories_is_refused() -> None:
    empty = edited("gansu", 'grids = ["第三考核片"]\n', "")
    assert "teams[2]: 督查组至少包含一个联系片（grids）或单位类别（categories）" in refusal(empty)


def test_a_repeated_team_is_refused() -> None:
    twice = edited("jilin", 'id = "deputy_2"', 'id = "deputy_1"')
    assert "teams[1]: 督查组 deputy_1 重复；每个督查组的 id 和 label 须唯一" in refusal(twice)


def test_an_unknown_team_key_is_refused_with_its_path() -> None:
    typo = edited("jilin", 'categories = ["中直单位"]', 'category = ["中直单位"]')
    assert "teams[1].category" in refusal(typo)
