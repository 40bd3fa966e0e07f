"""南通 机关党建综合管理考评 (workflows/nantong.toml, seed 004): five 市级机关 through the
seven links of a year.

Seed passages exercised (004_c92e1ba12d345fb6.txt):
- 「市级机关党建综合管理包括重点目标申报、日常管理、分片互评、领导评鉴、集中阅评、党建指导员
  阅评、党员评议,七个环节贯穿全年」 — plan → do → check.peer → check.leader →
  check.review → check.instructor → check.members, then act → closed; each link is
  asserted in ``cycle status --json``, and each voting link records its own ballots.
- 「以党建基础工作考评、重点工作考评和综合评议为主体的“三位一体”机关党建考评机制」 —
  components basic 40 / key 40 / overall 20 (ASSUMPTION).
- 「将“三会一课”等规定动作作为党建“责任田”纳入基础工作目标」 — the per-occurrence and
  attendance items of basic_work.
- 「每年1000多条有效意见问题整改率均90%以上」「满意度始终保持在90%以上」 — the banded
  items with a 90% threshold.
- 「将党建制度机制载体等方面的特色亮点工作,作为激励性质的创新工作目标项」 — the innovation
  bonus, category max 5 and bonus_cap 5 (ASSUMPTION).
- 「比技能、比作风、比业绩」 — ballot items 30/30/40 (ASSUMPTION); four voting links at 25%.
- 「对考核排名靠前的党组织给予通报表彰,对排名靠后的进行问责谈话」 — tiers: top 10%,
  to 97%, the rest (ASSUMPTION), headcount rounded half-up.

Hand arithmetic in the comments: B and K are 100 minus each item's shortfall; O is the
mean of the four links' ballot means (each trimmed of one highest and one lowest);
total = 0.4·B + 0.4·K + 0.2·O + bonus, rounded half-up once to 0.01.
"""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import SQLITE_ONLY, Workspace
from tests.scenarios._year import (
    advance,
    ballots,
    import_rows,
    js,
    open_with_tasks,
    scores,
    split,
    stage,
)

pytestmark = SQLITE_ONLY  # scoring rules; PostgreSQL: see tests/conftest.py

PERIOD = "2024"
ITEMS = {"skills": 30, "conduct": 30, "results": 40}

# Full marks as recorded values: direct → max, per_occurrence → required, banded → 100%.
BASIC = {
    "b_branch_committee": "12",  # per_occurrence: 12 required, −1 each short (max 15)
    "b_party_lecture": "4",  # per_occurrence: 4 required, −2 each short (max 10)
    "b_members_meeting": "100",  # banded: −2 per full 10% under 100% (max 10)
    "b_org_life": "1",  # per_occurrence: 1 required, −10 (max 10)
    "b_branch_platform": "10",
    "b_dues": "100",  # banded: −2 per full 10% under 100% (max 10)
    "b_card_stars": "10",
    "b_member_targets": "10",
    "b_learning_org": "15",
}
KEY = {
    "k_center_work": "30",
    "k_assigned_tasks": "20",
    "k_conduct": "20",
    "k_rectification": "95",  # banded: −3 per full 5% under 90% (max 15)
    "k_satisfaction": "95",  # banded: −3 per full 5% under 90% (max 15)
}

LINKS = [
    # trigger, stage reached, the ballot group voting in that link
    ("start_peer", "check.peer", "peer_units"),  # 分片互评
    ("start_leader", "check.leader", "leaders"),  # 领导评鉴
    ("start_review", "check.review", None),  # 集中阅评: the items are scored
    ("start_instructor", "check.instructor", "instructors"),  # 党建指导员阅评
    ("start_members", "check.members", "party_members"),  # 党员评议
    ("start_act", "act", None),
]


#: Units of the 联系片 that rate the assessed ones in 分片互评 (registered, not assessed).
RATERS = ("市教育局", "市民政局", "市司法局", "市交通局")


def peer_ballots(ws: Workspace, cycle: str, totals: list[int]) -> None:
    """分片互评: one ballot issued to each rater unit in turn (the unit is stored, the
    person filling it in is not), all imported as one file."""
    registered = _registered(ws)
    for rater in RATERS:
        if rater not in registered:
            ws.ok("unit", "add", rater, "--category", "党政机关")
    rows = []
    for rater, total in zip(RATERS, totals, strict=False):
        issued = js(ws, "ballot", "issue", cycle, "--group", "peer_units", "--count", "1",
                    "--rater-unit", rater)  # fmt: skip
        assert issued["rater"] == rater
        rows.append([issued["tokens"][0], *map(str, split(total, list(ITEMS.values())))])
    import_rows(ws, cycle, ["token", *ITEMS], rows)


def _registered(ws: Workspace) -> set[str]:
    return {u["unit"] for u in js(ws, "unit", "list")}


def year_unit(
    ws: Workspace,
    unit: str,
    basic: dict[str, str],
    key: dict[str, str],
    votes: dict[str, list[int]],
    bonus: dict[str, str] | None = None,
) -> str:
    """The seven links of one unit's year, each stage checked in ``cycle status``."""
    cycle = open_with_tasks(ws, unit, "党政机关", PERIOD, "nantong", tasks=2)
    assert stage(ws, cycle) == "plan"  # 1 重点目标申报
    # The unit declares its key and innovation targets; the 工委 approves them (issue 14
    # item 5): without both, the innovation bonus below would count 0.
    ws.ok(
        "step", "record", cycle, "key_targets", "--text", "重点与创新目标", "--evidence", "申报表"
    )
    ws.ok("step", "review", cycle, "key_targets", "--approve", "--reason", "符合中心工作")
    assert advance(ws, cycle, "start_do") == "do"
    assert stage(ws, cycle) == "do"  # 2 日常管理
    ws.ok("task", "report", cycle, "1", "--progress", "50")
    ws.ok("task", "complete", cycle, "1")
    ws.ok("task", "complete", cycle, "2")
    for trigger, reached, group in LINKS:  # 3–7 and 处理
        assert advance(ws, cycle, trigger) == reached
        assert stage(ws, cycle) == reached
        if group == "peer_units":
            peer_ballots(ws, cycle, votes[group])
        elif group:
            ballots(ws, cycle, ITEMS, {group: votes[group]})
        if reached == "check.review":
            scores(ws, cycle, {**BASIC, **basic, **KEY, **key, **(bonus or {})})
    return cycle


def test_nantong_seven_links_three_in_one_and_capped_innovation(workspace: Workspace) -> None:
    ws = workspace

    # ── 市发改委: innovation over its cap; a total ending in exactly 5 at the 3rd decimal ──
    # B: b_branch_committee 10 times: 15 − 1 × 2 = 13 (−2);
    #    b_members_meeting 85%: ⌊15 / 10⌋ = 1 band → 10 − 2 = 8 (−2);
    #    b_learning_org 12 (−3); b_card_stars 7 (−3)      B = 100 − 10 = 90
    # K: k_center_work 26 (−4); k_conduct 17 (−3); k_assigned_tasks 18 (−2);
    #    k_rectification 88%: ⌊2 / 5⌋ = 0 bands → 15 (−0);
    #    k_satisfaction 84%: ⌊6 / 5⌋ = 1 band → 15 − 3 = 12 (−3)    K = 100 − 12 = 88
    # O: 互评 [88 90 95] → 90; 评鉴 [85 92 96] → 92; 指导员 [90 91 99] → 91;
    #    党员 [80 93 94 100] → 93.5;   O = (90 + 92 + 91 + 93.5) / 4 = 366.5 / 4 = 91.625
    # bonus: i_brand 3 + i_mechanism 3 = 6 → category max 5, bonus_cap 5 → 5
    # total = 0.4 × 90 + 0.4 × 88 + 0.2 × 91.625 + 5 = 36 + 35.2 + 18.325 + 5 = 94.525
    #       → 94.53 (half-up; half-even would give 94.52)
    ndrc = year_unit(
        ws, "市发改委",
        {"b_branch_committee": "10", "b_members_meeting": "85", "b_learning_org": "12",
         "b_card_stars": "7"},
        {"k_center_work": "26", "k_conduct": "17", "k_assigned_tasks": "18",
         "k_rectification": "88", "k_satisfaction": "84"},
        {"peer_units": [88, 90, 95], "leaders": [85, 92, 96], "instructors": [90, 91, 99],
         "party_members": [80, 93, 94, 100]},
        bonus={"i_brand": "3", "i_mechanism": "3"},
    )  # fmt: skip

    # ── 市财政局 ─────────────────────────────────────────────────────────────────────
    # B: b_party_lecture 3 times: 10 − 2 × 1 = 8 (−2)            B = 98
    # K: k_conduct 18 (−2), k_assigned_tasks 18 (−2)              K = 96
    # O: [94 95 97] → 95; [90 95 96] → 95; [95 95 95] → 95; [85 94 96 99] → 95;  O = 95
    # total = 0.4 × 98 + 0.4 × 96 + 0.2 × 95 = 39.2 + 38.4 + 19 = 96.60
    finance = year_unit(
        ws, "市财政局",
        {"b_party_lecture": "3"},
        {"k_conduct": "18", "k_assigned_tasks": "18"},
        {"peer_units": [94, 95, 97], "leaders": [90, 95, 96], "instructors": [95, 95, 95],
         "party_members": [85, 94, 96, 99]},
    )  # fmt: skip

    # ── 市住建局: items stopping at zero, low bands ──────────────────────────────────
    # B: b_org_life 0 times: 10 − 10 × 1 = 0 (−10); b_party_lecture 1 time: 10 − 2 × 3 = 4
    #    (−6); b_dues 73%: ⌊27 / 10⌋ = 2 bands → 10 − 4 = 6 (−4)     B = 100 − 20 = 80
    # K: k_rectification 78%: ⌊12 / 5⌋ = 2 bands → 15 − 6 = 9 (−6); k_center_work 24 (−6);
    #    k_satisfaction 90%: at the threshold → 15 (−0)             K = 100 − 12 = 88
    # O: [80 85 88] → 85; [82 84 90] → 84; [70 86 87 95] → 86.5; [84 85 86] → 85
    #    O = (85 + 84 + 86.5 + 85) / 4 = 340.5 / 4 = 85.125
    # total = 32 + 35.2 + 17.025 = 84.225 → 84.23
    housing = year_unit(
        ws, "市住建局",
        {"b_org_life": "0", "b_party_lecture": "1", "b_dues": "73"},
        {"k_rectification": "78", "k_center_work": "24", "k_satisfaction": "90"},
        {"peer_units": [80, 85, 88], "leaders": [82, 84, 90], "instructors": [70, 86, 87, 95],
         "party_members": [84, 85, 86]},
    )  # fmt: skip

    # ── 市商务局 and 市人社局: equal totals; the basic part decides (tie-break) ─────────
    # 市商务局: B: b_members_meeting 70%: ⌊30 / 10⌋ = 3 → 10 − 6 = 4 (−6);
    #    b_branch_platform 8 (−2); b_member_targets 4 (−6)          B = 86
    #  K: k_center_work 22 (−8), k_assigned_tasks 16 (−4), k_conduct 16 (−4)   K = 84
    #  O: [84 85 86] → 85; [80 85 90] → 85; [85 85 88] → 85; [75 84 86 92] → 85; O = 85
    #  total = 0.4 × 86 + 0.4 × 84 + 0.2 × 85 = 34.4 + 33.6 + 17 = 85.00
    commerce = year_unit(
        ws, "市商务局",
        {"b_members_meeting": "70", "b_branch_platform": "8", "b_member_targets": "4"},
        {"k_center_work": "22", "k_assigned_tasks": "16", "k_conduct": "16"},
        {"peer_units": [84, 85, 86], "leaders": [80, 85, 90], "instructors": [85, 85, 88],
         "party_members": [75, 84, 86, 92]},
    )  # fmt: skip
    # 市人社局: B: b_branch_committee 6 times: 15 − 6 = 9 (−6); b_dues 85%: 1 band → 8 (−2);
    #    b_learning_org 7 (−8)                                      B = 84
    #  K: k_satisfaction 80%: ⌊10 / 5⌋ = 2 → 15 − 6 = 9 (−6);
    #    k_rectification 83%: ⌊7 / 5⌋ = 1 → 12 (−3); k_conduct 15 (−5)          K = 86
    #  O: [83 85 87] → 85; [85 85 85] → 85; [70 84 86 99] → 85; [82 85 88] → 85; O = 85
    #  total = 0.4 × 84 + 0.4 × 86 + 0.2 × 85 = 33.6 + 34.4 + 17 = 85.00; B 84 < 86
    labour = year_unit(
        ws, "市人社局",
        {"b_branch_committee": "6", "b_dues": "85", "b_learning_org": "7"},
        {"k_satisfaction": "80", "k_rectification": "83", "k_conduct": "15"},
        {"peer_units": [83, 85, 87], "leaders": [85, 85, 85], "instructors": [70, 84, 86, 99],
         "party_members": [82, 85, 88]},
    )  # fmt: skip

    ws.ok("round", "open", PERIOD, "--scheme", "nantong")
    ws.ok("round", "finalize", PERIOD)

    expected = {
        # cycle: (B, K, O, bonus, total)
        ndrc: ("90", "88", "91.625", "5", "94.53"),
        finance: ("98", "96", "95", "0", "96.60"),
        housing: ("80", "88", "85.125", "0", "84.23"),
        commerce: ("86", "84", "85", "0", "85.00"),
        labour: ("84", "86", "85", "0", "85.00"),
    }
    for cycle, (b, k, o, bonus, total) in expected.items():
        data = js(ws, "explain", cycle)
        parts = {c["id"]: c for c in data["components"]}
        assert {i: Decimal(c["weight"]) for i, c in parts.items()} == {
            "basic": 40,
            "key": 40,
            "overall": 20,
        }
        got = tuple(Decimal(parts[i]["score"]) for i in ("basic", "key", "overall"))
        assert got == (Decimal(b), Decimal(k), Decimal(o)), cycle
        assert Decimal(data["bonus"]) == Decimal(bonus), cycle
        assert data["total"] == total == data["outcome"]["total"], cycle
    explained = js(ws, "explain", ndrc)
    assert Decimal(explained["unrounded"]) == Decimal("94.525")
    # 分片互评 by rater units 市教育局, 市民政局, 市司法局: [88 90 95], the highest and the
    # lowest dropped → 90. The group names the units its tokens went to; a counted ballot
    # names none (it carries no token).
    overall = next(n for n in explained["tree"]["children"] if n["label"] == "综合评议")
    peer = _find(overall, "片内互评")
    assert Decimal(peer["value"]) == 90
    assert peer["note"].endswith("；票发给评价方：市教育局、市民政局、市司法局")
    assert not any("评价方" in leaf["label"] for leaf in peer["children"])
    bonus_node = next(n for n in explained["tree"]["children"] if n["label"] == "加分")
    assert bonus_node["value"] == "5"
    innovation = bonus_node["children"][0]  # the category: 3 + 3 = 6, capped at 5
    assert innovation["value"] == "5" and innovation["note"] == "合计 6，封顶 5"

    # Ranking: 96.60 > 94.53 > 85.00 = 85.00 (B 86 > 84) > 84.23.
    # Grades: 好 ≥ 90, 较好 ≥ 80. Tiers over 5 units, headcount half-up:
    #   排名靠前: rank ≤ 5 × 10% = 0.5 → 1;  排名居中: rank ≤ 5 × 97% = 4.85 → 5.
    assert [
        (r["unit"], r["total"], r["rank"], r["grade"], r["tier"]) for r in js(ws, "ranking", PERIOD)
    ] == [
        ("市财政局", "96.60", 1, "好", "排名靠前"),
        ("市发改委", "94.53", 2, "好", "排名居中"),
        ("市商务局", "85.00", 3, "较好", "排名居中"),
        ("市人社局", "85.00", 4, "较好", "排名居中"),
        ("市住建局", "84.23", 5, "较好", "排名居中"),
    ]

    for cycle in expected:
        assert advance(ws, cycle, "close") == "closed"
        assert stage(ws, cycle) == "closed"


def _find(node: dict, label: str) -> dict:
    stack = [node]
    while stack:
        here = stack.pop()
        if here["label"] == label:
            return here
        stack += here.get("children", [])
    raise AssertionError(f"no node {label}")
