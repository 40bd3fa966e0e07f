"""An area's declared count of 采分点 (``declared_points``, format 3): 达州's 「六大类17项
56个指标」 checked at the area it counts; a wrong count warns naming the key, a count that
is not a whole number is refused with the file and the key."""

from __future__ import annotations

from pdca.rules.schemes import parse
from tests.unit.test_scheme_format import edited, refusal, shipped


def test_dazhou_duty_index_holds_its_56_points_under_17_items() -> None:
    scheme = parse(shipped("dazhou"))
    duty = [c for c in scheme.rules.categories if c.area == "duty"]
    items = [i for c in duty for i in c.items]
    # 6 categories, 17 items; 12 items of 3 指标 and 5 of 4: 36 + 20 = 56.
    assert (len(duty), len(items), sum(len(i.points) for i in items)) == (6, 17, 56)
    assert all(i.scored_points and sum(p.max for p in i.points) == i.max for i in items)
    assert scheme.warnings == ()


def test_a_wrong_count_of_points_warns_naming_the_area() -> None:
    scheme = parse(edited("dazhou", "declared_points = 56", "declared_points = 55"))
    assert list(scheme.warnings) == [
        "catalog.areas[1].declared_points: 来源文件称「党建履职指数」共 55 个采分点，"
        "本文件列出 56 个采分点"
    ]


def test_a_count_of_points_must_be_a_whole_number() -> None:
    message = refusal(edited("dazhou", "declared_points = 56", 'declared_points = "56"'))
    assert "catalog.areas[1].declared_points" in message
