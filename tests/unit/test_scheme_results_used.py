"""A scheme using results (考用结合: ``[[conversions]]``, ``[[consequences]]``) wrongly
is refused with the file and the key — one test per construct."""

from __future__ import annotations

from decimal import Decimal

from pdca.rules.schemes import parse
from tests.unit.test_scheme_format import edited, refusal, shipped

TIER_3 = 'id = "bonus_3"\nlabel = "绩效奖金三档"\ntiers = ["3"]'


def test_the_shipped_rules_are_read() -> None:
    rules = parse(shipped("jilin")).rules
    (conversion,) = rules.conversions
    assert dict(conversion.by_category) == {"群团组织": Decimal(10), "党政机关": Decimal(3)}
    assert conversion.precision == Decimal("0.001")
    twice = next(c for c in rules.consequences if c.id == "bonus_3_twice")
    assert (twice.tiers, twice.years) == (("3",), 2)


def test_results_need_format_3() -> None:
    message = refusal(edited("jilin", "format = 3", "format = 2"))
    assert "conversions: 此键属于方案格式 3；请在文件开头写 format = 3（本文件为格式 2）" in message
    assert "consequences: 此键属于方案格式 3" in message


def test_a_conversion_needs_positive_figures_and_a_known_precision() -> None:
    zero = edited("jilin", '"党政机关" = "3"', '"党政机关" = "0"')
    assert "conversions[0].by_category.党政机关: 折算分值必须大于 0，实际为 0" in refusal(zero)
    empty = edited(
        "jilin", 'by_category = { "群团组织" = "10", "党政机关" = "3" }', "by_category = {}"
    )
    assert "conversions[0].by_category: 必须给出至少一个单位类别及其折算分值" in refusal(empty)
    odd = edited("jilin", 'precision = "0.001"', 'precision = "0.005"')
    assert "conversions[0].precision: 必须是" in refusal(odd)
    again = '\n[[conversions]]\nid = "performance"\nby_category = { "党政机关" = "3" }\n'
    assert "conversions: 折算标识 'performance' 重复" in refusal(shipped("jilin") + again)


def test_a_consequence_names_known_tiers_grades_and_conversions() -> None:
    tier = edited("jilin", TIER_3, TIER_3.replace('["3"]', '["4"]'))
    assert "consequences[2].tiers: 未知档次 '4'；允许：1、2、3" in refusal(tier)
    grade = edited("jilin", TIER_3, TIER_3.replace('tiers = ["3"]', 'grades = ["优"]'))
    assert "consequences[2].grades: 未知等次 '优'；允许：好、较好、一般、差" in refusal(grade)
    conversion = edited("jilin", TIER_3, f'{TIER_3}\nconversion = "salary"\nmin = "1"')
    assert "consequences[2].conversion: 未知折算 'salary'；允许：performance" in refusal(conversion)
    bound = edited("jilin", TIER_3, f'{TIER_3}\nconversion = "performance"')
    assert "consequences[2].conversion: 须同时给出 min 或 below" in refusal(bound)
    loose = edited("jilin", TIER_3, f'{TIER_3}\nmin = "2.8"')
    assert "consequences[2].min: 须同时给出 conversion" in refusal(loose)


def test_a_consequence_needs_a_condition_and_a_sane_run_of_years() -> None:
    bare = edited("jilin", TIER_3, 'id = "bonus_3"\nlabel = "绩效奖金三档"')
    assert "consequences[2]: 必须给出条件" in refusal(bare)
    years = edited("jilin", TIER_3, f"{TIER_3}\nyears = 0")
    assert "consequences[2].years: 必须是 1–10 的整数（连续年数）" in refusal(years)
    typo = edited("jilin", TIER_3, f"{TIER_3}\nyear = 2")
    assert "consequences[2].year: 未知键（是否想写 years？）" in refusal(typo)


ROLLUP = 'source = "periods"\nperiods = ["Q1", "Q2", "Q3", "Q4"]'


def test_a_roll_up_reads_a_whole_year_of_quarters_or_half_years() -> None:
    part = edited("dazhou", ROLLUP, ROLLUP.replace(', "Q4"', ""))
    assert (
        "components[2].periods: 必须是一年的全部季度（Q1–Q4）或两个半年（H1、H2），各一次；"
        "实际为 Q1、Q2、Q3"
    ) in refusal(part)
    unknown = edited("dazhou", ROLLUP, ROLLUP.replace('"Q4"', '"Q5"'))
    assert "components[2].periods[3]: 'Q5' 不可用；允许：Q1、Q2、Q3、Q4、H1、H2" in refusal(unknown)
    elsewhere = edited(
        "dazhou",
        'weight = "40"\nsource = "items"',
        'weight = "40"\nsource = "items"\nperiods = ["H1", "H2"]',
    )
    assert '只有 source = "periods" 的组成部分才汇总各期结果' in refusal(elsewhere)
    older = edited("dazhou", "format = 3", "format = 2")
    assert "components[2].source: 此键属于方案格式 3" in refusal(older)
