"""达州 绩效指数管理 (workflows/dazhou.toml, seed 000): four 市直部门 through a year.

Seed passages exercised (000_0299eaa014ab485a.txt):
- 「逐步构建起“计划—执行—督查—处理”全程管控闭环管理体系」, 「每月下发任务清单,每季度开展
  调研督查」 — plan → do → check, a quarterly check going back to work (resume_do),
  then act → closed; the task list must be published before work starts.
- 「从基本队伍、基本活动、基本阵地、基本制度、基本保障五个方面共设置20条标准指数」 — the
  党建绩效指数 (5 × 4 items × 5 points, ASSUMPTION).
- 「将履行党建责任分为意识形态、党内政治生活、主体责任落实、党建绩效管理、干部驻村帮扶、
  其他工作等六大类17项56个指标」 — the 党建履职指数 (15/20/20/20/10/15, ASSUMPTION), recorded
  by its 56 指标 (采分点, format 3): an item scores the sum of its points.
- The two indices weigh 50/50 (ASSUMPTION); 「既突出基础要素,又注重创新激励」 /
  「共评选出5个机关党建创新奖、18个机关党建成效奖」 — the 创新激励 bonus.
- 「市直机关党员干部志愿服务参与率达到95%」 — the banded volunteering item.
- 「党建考核评定等次为“差”的单位年度考核一票否决」 — the veto: a 严重问题 finding forces 差
  whatever the points (how the scheme models it, see the file).
- 「开展专项督查4次、省市党代表视察机关党建工作3次」 — the finding sources.

Grades (ASSUMPTION): 好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 差. Hand arithmetic in the comments:
each index is 100 minus the points an item falls short of its maximum, and
total = 0.5 × 绩效指数 + 0.5 × 履职指数 + bonus − deduction (cap 10), half-up to 0.01.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.integration.test_cycle_cli import refused
from tests.scenarios._year import advance, js, open_with_tasks, scores

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

PERIOD = "2024"

# Full marks of every item, as the value an assessor records: direct → its max;
# per_occurrence → the required count; banded → 100%.
PERFORMANCE = {  # 党建绩效指数: five aspects of 20 = 100
    "team_committee": "5", "team_deputy": "5", "team_recruitment": "5", "team_training": "5",
    "act_three_meetings": "12",  # per_occurrence: 12 required, −0.5 each short
    "act_party_day": "12",  # per_occurrence: 12 required, −0.5 each short
    "act_org_life": "5",
    "act_volunteering": "100",  # banded: −1 per full 10% under 100%
    "pos_room": "5", "pos_standard_branch": "5", "pos_online": "5", "pos_platform": "5",
    "inst_standard_method": "5", "inst_filing": "5",
    "inst_dues": "100",  # banded: −1 per full 10% under 100%
    "inst_leader_contact": "5",
    "sup_budget": "5", "sup_office": "5", "sup_funds_use": "5", "sup_handbook": "5",
}  # fmt: skip
DUTY = {  # 党建履职指数: 15 + 20 + 20 + 20 + 10 + 15 = 100, recorded by its 56 指标 (采分点)
    # 意识形态 15 = 5 + 5 + 5
    "ideo_resp_plan": "2", "ideo_resp_report": "1.5", "ideo_resp_check": "1.5",
    "ideo_study_plan": "1", "ideo_study_times": "2", "ideo_study_seminar": "1",
    "ideo_study_record": "1",
    "ideo_pos_online": "2", "ideo_pos_forums": "2", "ideo_pos_opinion": "1",
    # 党内政治生活 20 = 7 + 7 + 6
    "pol_dl_opinions": "2", "pol_dl_materials": "2", "pol_dl_criticism": "2",
    "pol_dl_follow_up": "1",
    "pol_ol_branch": "3", "pol_ol_party_day": "2", "pol_ol_lecture": "2",
    "pol_talks_team": "2", "pol_talks_heads": "2", "pol_talks_members": "2",
    # 主体责任落实 20 = 7 + 7 + 6
    "resp_study_quarterly": "3", "resp_study_plan": "2", "resp_study_list": "2",
    "resp_report_text": "3", "resp_report_problems": "2", "resp_report_measures": "2",
    "resp_contact_cover": "2", "resp_contact_guide": "2", "resp_contact_tasks": "2",
    # 党建绩效管理 20 = 7 + 7 + 6
    "pm_task_start": "1.5", "pm_task_deadline": "2", "pm_task_progress": "1.5",
    "pm_task_quality": "2",
    "pm_rect_on_time": "3", "pm_rect_revisit": "2", "pm_rect_accountable": "2",
    "pm_bim_meeting": "2", "pm_bim_theme": "2", "pm_bim_model": "2",
    # 干部驻村帮扶 10 = 5 + 5
    "va_staff_selected": "2", "va_staff_managed": "1.5", "va_staff_cared": "1.5",
    "va_res_measures": "2", "va_res_problems": "2", "va_res_volunteers": "1",
    # 其他工作 15 = 5 + 5 + 5
    "other_rec_plan": "1", "other_rec_record": "1.5", "other_rec_election": "1.5",
    "other_rec_filing": "1",
    "other_office_set_up": "2", "other_office_deputy": "2", "other_office_training": "1",
    "other_assigned_tasks": "2", "other_assigned_platform": "1",
    "other_assigned_publicity": "1", "other_assigned_volunteering": "1",
}  # fmt: skip
assert len(DUTY) == 56  # 000: 「六大类17项56个指标」


def year_unit(
    ws: Workspace,
    unit: str,
    performance: dict[str, str],
    duty: dict[str, str],
    bonus: dict[str, str] | None = None,
    findings: tuple[tuple[str, str, str], ...] = (),
    quarterly_check: bool = False,
) -> str:
    """A unit's year to 处理 (act); ``findings``: (source, points, observed) on 严重问题,
    the first recorded in 执行, the rest in 督查."""
    cycle = open_with_tasks(ws, unit, "党政机关", PERIOD, "dazhou", tasks=1)
    assert advance(ws, cycle, "start_do") == "do"
    ws.ok("task", "complete", cycle, "1")
    if quarterly_check:
        # 每季度开展调研督查: a check, then back to work.
        assert advance(ws, cycle, "start_check", "resume_do") == "do"
    for n, (source, points, observed) in enumerate(findings):
        if n == 1:
            assert advance(ws, cycle, "start_check") == "check"
        ws.ok(
            "finding", "record", cycle, "--source", source, "--indicator", "serious_problem",
            "--points", points, "--observed-on", observed, "--evidence", "督查通报",
        )  # fmt: skip
    if len(findings) < 2:
        assert advance(ws, cycle, "start_check") == "check"
    scores(ws, cycle, {**PERFORMANCE, **performance, **DUTY, **duty, **(bonus or {})})
    assert advance(ws, cycle, "start_act") == "act"
    return cycle


def test_dazhou_two_indices_50_50_and_the_veto_for_cha(workspace: Workspace) -> None:
    ws = workspace

    # ── 市财政局 ─────────────────────────────────────────────────────────────────────
    # 绩效指数 short of full marks:
    #   act_three_meetings 10 times: 5 − 0.5 × 2 = 4            (−1)
    #   act_volunteering 95%: ⌊(100 − 95) / 10⌋ = 0 bands → 5     (−0)
    #   inst_dues 87%: ⌊13 / 10⌋ = 1 band → 5 − 1 = 4             (−1)
    #   team_training 4 (−1), pos_online 3.5 (−1.5)
    #   P = 100 − 1 − 0 − 1 − 1 − 1.5 = 95.5
    # 履职指数 (by 指标, each short of its maximum):
    #   ideo_study_times 0.5 of 2 (−1.5), resp_study_quarterly 1 of 3 (−2),
    #   pol_talks_team 1 of 2 (−1), va_res_problems 1 of 2 (−1),
    #   other_assigned_tasks 1.5 of 2 (−0.5)
    #   Y = 100 − 1.5 − 2 − 1 − 1 − 0.5 = 94
    # bonus: award_results 2 (成效奖)
    # total = 0.5 × 95.5 + 0.5 × 94 + 2 = 47.75 + 47 + 2 = 96.75 → 好
    finance = year_unit(
        ws, "市财政局",
        {"act_three_meetings": "10", "act_volunteering": "95", "inst_dues": "87",
         "team_training": "4", "pos_online": "3.5"},
        {"ideo_study_times": "0.5", "resp_study_quarterly": "1", "pol_talks_team": "1",
         "va_res_problems": "1", "other_assigned_tasks": "1.5"},
        bonus={"award_results": "2"},
    )  # fmt: skip

    # ── 市教育局: two 严重问题 findings — 差 whatever the points ───────────────────────
    # P = 100 − 1 (team_training 4) − 1 (pos_online 4) = 98
    # Y = 100 − 1 (pol_talks_heads 1 of 2) − 1 (other_assigned_tasks 1 of 2)
    #       − 1 (resp_report_text 2 of 3) = 97
    # points = 0.5 × 98 + 0.5 × 97 = 49 + 48.5 = 97.5 (好 by points)
    # findings −6 − 6 = −12, deduction_cap 10 → 97.5 − 10 = 87.50 (较好 by points) → 差
    education = year_unit(
        ws, "市教育局",
        {"team_training": "4", "pos_online": "4"},
        {"pol_talks_heads": "1", "other_assigned_tasks": "1", "resp_report_text": "2"},
        findings=(("专项督查", "-6", "2024-05-20"), ("党代表视察", "-6", "2024-10-10")),
    )  # fmt: skip

    # ── 市审计局: a quarterly check and back to work; items stopping at zero ──────────
    # P: act_volunteering 68%: ⌊32 / 10⌋ = 3 bands → 5 − 3 = 2   (−3)
    #    act_party_day 7 times: 5 − 0.5 × 5 = 2.5                 (−2.5)
    #    team_committee 3 (−2), pos_room 2.5 (−2.5), sup_budget 2 (−3)
    #    P = 100 − 3 − 2.5 − 2 − 2.5 − 3 = 87
    # Y: ideo_group_study: its four 指标 all 0 → 0 of 5          (−5)
    #    resp_study: 0 of 3, 0 of 2, 1 of 2 → 1 of 7               (−6)
    #    pm_rectification: 1 + 1 + 1 = 3 of 7                      (−4)
    #    va_staffing: 1 + 0.5 + 0.5 = 2 of 5                       (−3)
    #    other_recruitment: 0 + 0.5 + 0.5 + 0 = 1 of 5             (−4)
    #    pol_democratic_life: 1 + 1 + 1 + 1 = 4 of 7               (−3)
    #    resp_report: 1.5 + 1 + 1 = 3.5 of 7                       (−3.5)
    #    other_assigned: 1 + 0.5 + 0.5 + 0 = 2 of 5                (−3)
    #    Y = 100 − 5 − 6 − 4 − 3 − 4 − 3 − 3.5 − 3 = 68.5
    # total = 0.5 × 87 + 0.5 × 68.5 = 43.5 + 34.25 = 77.75 → 一般
    audit = year_unit(
        ws, "市审计局",
        {"act_volunteering": "68", "act_party_day": "7", "team_committee": "3",
         "pos_room": "2.5", "sup_budget": "2"},
        {"ideo_study_plan": "0", "ideo_study_times": "0", "ideo_study_seminar": "0",
         "ideo_study_record": "0",
         "resp_study_quarterly": "0", "resp_study_plan": "0", "resp_study_list": "1",
         "pm_rect_on_time": "1", "pm_rect_revisit": "1", "pm_rect_accountable": "1",
         "va_staff_selected": "1", "va_staff_managed": "0.5", "va_staff_cared": "0.5",
         "other_rec_plan": "0", "other_rec_record": "0.5", "other_rec_election": "0.5",
         "other_rec_filing": "0",
         "pol_dl_opinions": "1", "pol_dl_materials": "1", "pol_dl_criticism": "1",
         "pol_dl_follow_up": "1",
         "resp_report_text": "1.5", "resp_report_problems": "1", "resp_report_measures": "1",
         "other_assigned_tasks": "1", "other_assigned_platform": "0.5",
         "other_assigned_publicity": "0.5", "other_assigned_volunteering": "0"},
        quarterly_check=True,
    )  # fmt: skip

    # ── 市民政局 ─────────────────────────────────────────────────────────────────────
    # P: act_three_meetings 11 times: 5 − 0.5 = 4.5 (−0.5);
    #    inst_dues 79%: ⌊21 / 10⌋ = 2 bands → 3 (−2); pos_platform 3 (−2); sup_handbook 4 (−1)
    #    P = 100 − 0.5 − 2 − 2 − 1 = 94.5
    # Y: pol_talks 1 + 1 + 2 = 4 of 6 (−2), pm_bimonthly 1 + 1 + 1 = 3 of 6 (−3),
    #    pm_task_list 1.5 + 1 + 1.5 + 1 = 5 of 7 (−2), ideo_responsibility 1 + 1.5 + 1 = 3.5
    #    of 5 (−1.5), resp_contact 1 + 1 + 2 = 4 of 6 (−2), other_office 1 + 1 + 1 = 3 of 5
    #    (−2), va_results 1 + 1 + 0 = 2 of 5 (−3), other_assigned 1 + 1 + 0 + 1 = 3 of 5 (−2)
    #    Y = 100 − 2 − 3 − 2 − 1.5 − 2 − 2 − 3 − 2 = 82.5
    # total = 0.5 × 94.5 + 0.5 × 82.5 = 47.25 + 41.25 = 88.50 → 较好
    civil = year_unit(
        ws, "市民政局",
        {"act_three_meetings": "11", "inst_dues": "79", "pos_platform": "3", "sup_handbook": "4"},
        {"pol_talks_team": "1", "pol_talks_heads": "1",
         "pm_bim_meeting": "1", "pm_bim_theme": "1", "pm_bim_model": "1",
         "pm_task_deadline": "1", "pm_task_quality": "1",
         "ideo_resp_plan": "1", "ideo_resp_check": "1",
         "resp_contact_cover": "1", "resp_contact_guide": "1",
         "other_office_set_up": "1", "other_office_deputy": "1",
         "va_res_measures": "1", "va_res_problems": "1", "va_res_volunteers": "0",
         "other_assigned_tasks": "1", "other_assigned_publicity": "0"},
    )  # fmt: skip

    # The 督查 ledger is closed in 处理: a finding now is refused and writes nothing.
    assert "不能记录督查发现" in refused(
        ws, "finding", "record", civil, "--source", "督查评议", "--indicator", "serious_problem",
        "--points", "-1", "--observed-on", "2024-12-01", "--evidence", "迟到的发现",
    )  # fmt: skip

    ws.ok("round", "open", PERIOD, "--scheme", "dazhou")
    ws.ok("round", "finalize", PERIOD)

    # Indices and weights, unit by unit (explain).
    expected_indices = {
        finance: ("95.5", "94", "2", "0", "96.75"),
        education: ("98", "97", "0", "10", "87.50"),
        audit: ("87", "68.5", "0", "0", "77.75"),
        civil: ("94.5", "82.5", "0", "0", "88.50"),
    }
    for cycle, (p, y, bonus, deduction, total) in expected_indices.items():
        data = js(ws, "explain", cycle)
        parts = {c["id"]: c for c in data["components"]}
        # 40 / 40 / 20 in the scheme; no quarterly cycles: the roll-up drops out and the
        # two indices are scaled back to 50 / 50.
        assert {k: Decimal(c["weight"]) for k, c in parts.items()} == {
            "performance_index": 50,
            "duty_index": 50,
            "duty_quarters": 0,
        }
        assert Decimal(parts["performance_index"]["score"]) == Decimal(p), cycle
        assert Decimal(parts["duty_index"]["score"]) == Decimal(y), cycle
        assert Decimal(parts["performance_index"]["weighted"]) == Decimal(p) / 2
        assert Decimal(parts["duty_index"]["weighted"]) == Decimal(y) / 2
        assert Decimal(data["bonus"]) == Decimal(bonus), cycle
        assert Decimal(data["deduction"]) == Decimal(deduction), cycle
        assert data["total"] == total == data["outcome"]["total"], cycle

    # Ranking: rounded total, higher first; 差 by veto for 市教育局 whatever its points.
    ranking = js(ws, "ranking", PERIOD)
    # A veto is named with the facts behind it: here the first 严重问题 finding.
    veto = "发生严重问题，等次定为“差”（年度考核一票否决）：等次定为 差（由台账发现 #"
    assert [
        (r["unit"], r["total"], r["rank"], r["grade"], r["veto"] and r["veto"][: len(veto)])
        for r in ranking
    ] == [
        ("市财政局", "96.75", 1, "好", None),
        ("市民政局", "88.50", 2, "较好", None),
        ("市教育局", "87.50", 3, "差", veto),
        ("市审计局", "77.75", 4, "一般", None),
    ]
    vetoed = js(ws, "explain", education)
    assert [v["rule"] for v in vetoed["vetoes"]] == ["serious_problem_veto"]
    assert "较好 → 差" in vetoed["outcome"]["note"]
    # 考用结合, recorded with the finalisation: 「党建考核评定等次为“差”的单位年度考核一票否决,
    # 不作为绩效考核优秀单位,单位主要负责同志取消年度优秀资格」; 「党建工作做得好的单位…三个优先」.
    # 「津贴兑现首先考核党建工作…与…绩效奖励挂钩」: the award by grade (amounts ASSUMPTION).
    assert [(c["label"], c.get("amount")) for c in vetoed["results_used"]["consequences"]] == [
        ("单位年度考核一票否决，不作为绩效考核优秀单位", None),
        ("单位主要负责同志取消年度优秀资格", None),
        ("绩效奖励按末档兑现", "-2000"),
    ]
    assert {r["unit"]: r["results_used"] for r in ranking} == {
        "市财政局": "党建经费优先保障、年度考核优先排名、单位干部优先提拔",
        "市民政局": None,
        "市教育局": "单位年度考核一票否决，不作为绩效考核优秀单位；单位主要负责同志取消年度优秀资格"
        "；绩效奖励按末档兑现（-2000）",
        "市审计局": "绩效奖励降一档兑现（-1000）",
    }
    # Both findings are in the tree with their observed dates; the cap is stated.
    deduction = next(n for n in vetoed["tree"]["children"] if n["label"] == "扣分")
    assert deduction["value"] == "-10" and "上限 10" in deduction["note"]
    assert sorted(leaf["observed_on"] for leaf in deduction["children"]) == [
        "2024-05-20",
        "2024-10-10",
    ]

    # The quarterly check is in 市审计局's history: do → check → do → check → act.
    moves = [h["summary"] for h in js(ws, "history", audit) if h["type"] == "StageAdvanced"]
    assert [m.split("（")[1].split("）")[0] for m in moves] == [
        "start_do",
        "start_check",
        "resume_do",
        "start_check",
        "start_act",
    ]
    for cycle in (finance, education, audit, civil):
        assert advance(ws, cycle, "close") == "closed"
