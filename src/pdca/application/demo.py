"""A simulated assessment year on the embedded default, deterministic for a seed.

It goes through the application service exactly as supervisors do from the CLI:
task lists, progress, year-long spot-check findings (秋后算账), item scores,
anonymous ballots, then the rounds are finalised and most cycles closed. What the
facts are is read off each scheme (its catalogue, ballot, ledger), so the demo runs
whatever schemes its units are assigned.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pdca.application.acting import Acting
from pdca.application.recording import _component_of, period_bounds
from pdca.application.service import PdcaApplication
from pdca.domain.cycle import Cycle
from pdca.domain.facts import Finding
from pdca.rules.schemes import Scheme
from pdca.rules.scoring_rules import Item, Rules, ScoringPoint

SUPERVISOR = "演示-督查组"
UNITS: tuple[tuple[str, str], ...] = (
    ("市委办公室", "党政机关"),
    ("市政府办公室", "党政机关"),
    ("市财政局", "党政机关"),
    ("市教育局", "党政机关"),
    ("市卫生健康委", "党政机关"),
    ("市发展改革委", "党政机关"),
    ("市审计局", "党政机关"),
    ("市统计局", "党政机关"),
    ("市民政局", "党政机关"),
    ("市司法局", "党政机关"),
    ("市交通运输局", "党政机关"),
    ("市水利局", "党政机关"),
    ("市农业农村局", "党政机关"),
    ("市商务局", "党政机关"),
    ("市文化旅游局", "党政机关"),
    ("市应急管理局", "党政机关"),
    ("市市场监管局", "党政机关"),
    ("市生态环境局", "党政机关"),
    ("国家统计局调查队", "中直单位"),
    ("人民银行市分行", "中直单位"),
    ("市税务局", "中直单位"),
    ("团市委", "群团组织"),
    ("市妇联", "群团组织"),
    ("市总工会", "群团组织"),
    ("市科协", "群团组织"),
    ("市文联", "群团组织"),
    ("市城投集团", "企事业单位"),
    ("市水务集团", "企事业单位"),
    ("市公交集团", "企事业单位"),
    ("市人民医院", "企事业单位"),
)
GRIDS = ("第一片", "第二片", "第三片", "第四片", "第五片", "第六片")
TASKS = (
    "落实“三会一课”制度",
    "开展主题党日活动",
    "党支部标准化建设",
    "党员发展与教育管理",
    "意识形态工作责任制",
    "党风廉政建设责任清单",
    "上一年考核问题整改",
    "服务中心工作重点项目",
)
SPOT_CHECKS = (
    "工作时间网购、打游戏",
    "“三会一课”记录不全",
    "学习笔记照抄照搬",
    "上年问题整改不到位",
    "值班脱岗",
)


@dataclass
class DemoResult:
    period: str
    cycles: list[str] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)
    events: int = 0


#: The five seed systems, each on a block of the units (by their place in ``UNITS``):
#: 吉林 the organs, the central units and two mass organisations (it ranks by category),
#: 达州 two organs (each with four quarterly sheets), 南通 six organs one in each of its
#: six grids (分片互评 within a grid, by the other units there), 述评考用 seven units,
#: 甘肃 the enterprises and institutions (in its 考核组's grids).
SCHEME_BLOCKS: tuple[tuple[range, str], ...] = (
    (range(0, 6), "jilin"),
    (range(6, 8), "dazhou"),
    (range(8, 14), "nantong"),
    (range(14, 18), "soe"),
    (range(18, 23), "jilin"),
    (range(23, 26), "soe"),
    (range(26, 30), "gansu"),
)
#: 达州's 履职指数 is set per quarter and rolled up into the year (source = "periods").
QUARTERLY = {"dazhou": ("Q1", "Q2", "Q3", "Q4")}


def scheme_for(category: str, n: int | None = None) -> str:
    """The scheme of the ``n``-th demo unit; by category alone (as before the five
    schemes), 甘肃 for enterprises and institutions, else 吉林."""
    if n is not None:
        return next(scheme for block, scheme in SCHEME_BLOCKS if n in block)
    return "gansu" if category == "企事业单位" else "jilin"


#: Who connected, while ``run`` runs on PostgreSQL (see ``_as``).
_CONNECTED: ContextVar[str | None] = ContextVar("pdca_demo_connected", default=None)


def run(
    app: PdcaApplication, seed: int = 2024, unit_count: int = 30, period: str = "2024"
) -> DemoResult:
    token = _CONNECTED.set(_login(app))
    try:
        return _run(app, seed, unit_count, period)
    finally:
        _CONNECTED.reset(token)


def _login(app: PdcaApplication) -> str | None:
    """The PostgreSQL login the demo writes through: the database stamps every row with
    it (``pdca.storage.append_only``), so the demo's events name it as their principal.
    SQLite records no login: there the demo's people stay one name each."""
    if app.workspace.database.kind != "postgresql":
        return None
    from pdca.application.identity import session_user

    return session_user(app.recorder)


def _run(app: PdcaApplication, seed: int, unit_count: int, period: str) -> DemoResult:
    rng = random.Random(seed)
    result = DemoResult(period=period)
    start, end = period_bounds(period)
    today = end + timedelta(days=40)  # the round is settled early next year
    chosen = [
        (name, category, scheme_for(category, n))
        for n, (name, category) in enumerate(UNITS[:unit_count])
    ]
    for n, (name, category, scheme_id) in enumerate(chosen):
        app.register_unit(_as("演示-组织部"), name, category, _grid(app, chosen, n, scheme_id))
    schemes = sorted({s for _, _, s in chosen})
    # The sub-periods first: a year that rolls them up reads their published outcomes.
    for scheme_id in schemes:
        for part in QUARTERLY.get(scheme_id, ()):
            sub = f"{period}-{part}"
            sub_start, sub_end = period_bounds(sub)
            for name, _, s in chosen:
                if s == scheme_id:
                    cycle = app.open_cycle(_as(SUPERVISOR), name, sub, scheme_id)
                    _year(app, rng, cycle.address, sub_start, sub_end, sub_end + timedelta(days=10))
                    take_unit_steps(app, cycle.address)
            app.open_round(_as("演示-考核办"), sub, scheme_id)
            app.finalize_round(_as("演示-考核办"), sub, scheme_id, None)
    for name, _, scheme_id in chosen:
        cycle = app.open_cycle(_as(SUPERVISOR), name, period, scheme_id)
        _year(app, rng, cycle.address, start, end, today)
        take_unit_steps(app, cycle.address)
        result.cycles.append(cycle.address)
    for scheme_id in schemes:
        app.open_round(_as("演示-考核办"), period, scheme_id)
        app.finalize_round(_as("演示-考核办"), period, scheme_id, None)
        result.rounds.append(scheme_id)
    for address in result.cycles:
        settled = _rectify(app, rng, address, today)
        if settled and rng.random() < 0.8:
            _advance_to(app, address, "closed", "结果已运用")
    app.sweep_rectifications(_as("演示-督办室", today + timedelta(days=150)))
    result.events = app.recorder.max_notification_id() or 0
    return result


def _rectify(app: PdcaApplication, rng: random.Random, address: str, today: date) -> bool:
    """Order a rectification for each finding; most are put right and closed out (销号),
    one is rejected once, some stay open (and go overdue). True when none is left open."""
    findings = [
        (p, f)
        for p, f in sorted(app.get_cycle(address).facts.facts.items())
        if isinstance(f, Finding)
    ]
    settled = True
    for position, finding in findings:
        owner = f"{address.split('/')[0]}机关党委"
        due = today + timedelta(days=rng.choice((30, 60, 90)))
        item = app.order_rectification(
            _as(SUPERVISOR, today), address, finding.evidence, owner, due, position
        )
        fate = rng.random()
        if fate < 0.25:
            settled = False  # left open: the sweep will find it overdue
            continue
        app.report_rectification(
            _as(owner, today + timedelta(days=10)), item.id.hex, "整改月报：已制定整改措施"
        )
        app.submit_rectification(_as(owner, today + timedelta(days=20)), item.id.hex, None)
        if fate < 0.4:
            app.verify_rectification(
                _as(SUPERVISOR, today + timedelta(days=22)), item.id.hex, False, "回访发现仍有缺项"
            )
            app.submit_rectification(_as(owner, today + timedelta(days=28)), item.id.hex, "已补齐")
        app.verify_rectification(
            _as(SUPERVISOR, today + timedelta(days=30)), item.id.hex, True, "回访核实，予以销号"
        )
    return settled


def _year(
    app: PdcaApplication, rng: random.Random, address: str, start: date, end: date, today: date
) -> None:
    cycle = app.get_cycle(address)
    rules = app.scheme_of(cycle).rules
    for title in rng.sample(TASKS, k=rng.randint(3, 6)):
        app.add_task(
            _as(SUPERVISOR), address, title, start + timedelta(days=rng.randint(90, 360)), None
        )
    app.publish_task_list(_as(SUPERVISOR), address)
    _advance_to(app, address, "do", "任务清单已发布")
    _work(app, rng, address, rules, start, end, today)
    _advance_to(app, address, "check", None)
    _check(app, rng, address, rules)
    _advance_to(app, address, "act", None)


def _work(
    app: PdcaApplication,
    rng: random.Random,
    address: str,
    rules: Rules,
    start: date,
    end: date,
    today: date,
) -> None:
    qualities = [q for q, _ in rules.quality] or [None]
    for task in list(app.get_cycle(address).tasks.values()):
        if rng.random() < 0.8:
            app.complete_task(_as(SUPERVISOR), address, task.no, rng.choice(qualities[:3]))
        else:
            app.report_task(_as(SUPERVISOR), address, task.no, rng.choice((40, 60, 80)), "按月报告")
    indicators = [i for i in rules.ledger_indicators if i.min_points < 0]
    for _ in range(rng.choice((0, 0, 1, 1, 2)) if indicators else 0):
        indicator = rng.choice(indicators)
        worst = max(indicator.min_points, Decimal(-5))
        points = Decimal(rng.randint(int(worst * 2), -1)) / 2
        observed = start + timedelta(days=rng.randint(0, (end - start).days))
        app.record_finding(
            _as(SUPERVISOR, today),
            address,
            rng.choice(rules.ledger_sources),
            indicator.id,
            points,
            observed,
            rng.choice(SPOT_CHECKS),
        )


def take_unit_steps(app: PdcaApplication, address: str) -> None:
    """The unit's own steps its scheme requires (自查、申报、述职报告), recorded late in
    处理 (补记) by the unit and approved by the 工委 where they need it, so the round can
    be finalised. The demo's years run straight to 处理; a real unit records each step
    in its own stage."""
    cycle = app.get_cycle(address)
    for step in app.scheme_of(cycle).rules.unit_steps:
        if cycle.facts.unit_step(step.id) is not None or not step.required:
            continue
        app.record_step(
            _as(f"{cycle.unit}-填报员"), address, step.id, f"{step.label}（演示）", "演示材料"
        )
        if step.approval:
            app.review_step(_as("演示-考核办"), address, step.id, True, "符合要求")


def _as(name: str, day: date | None = None) -> Acting:
    """The demo's people name themselves: a declared acting context, on ``day``; on
    PostgreSQL each acts through the login the demo connected as (its principal)."""
    acting = Acting.declared(name, "demo", today=day)
    login = _CONNECTED.get()
    if login is not None:
        acting.principal = login
    return acting


def item_value(rng: random.Random, item: Item) -> Decimal:
    if item.rule == "per_occurrence":
        return max(item.required - rng.choice((0, 0, 1, 2)), Decimal(0))
    if item.rule == "banded":
        return Decimal(rng.randint(70, 100))
    if item.rule == "ratio_to_best":
        return Decimal(rng.randint(5, 40))
    return (item.max * Decimal(rng.randint(12, 20)) / 20).quantize(Decimal("0.5"))


def item_values(rng: random.Random, item: Item) -> list[tuple[str, Decimal | str]]:
    """What a supervisor records for one item: its value, each of its 采分点 (format 3),
    or an opinion from its table."""
    if item.scored_points:
        return [
            (
                f"{item.id}.{p.id}",
                (p.max * Decimal(rng.randint(12, 20)) / 20).quantize(Decimal("0.1")),
            )
            for p in item.points
        ]
    if item.rule == "opinion":
        return [(item.id, rng.choice([word for word, _ in item.opinions][:3]))]
    return [(item.id, item_value(rng, item))]


def _check(app: PdcaApplication, rng: random.Random, address: str, rules: Rules) -> None:
    """督查 in the scheme's order: each sub-stage that binds (format 3 ``records``) takes
    what it lets be recorded (南通's 分片互评 the peer units' ballots, 集中阅评 the item
    scores, …), then the cycle moves on to the next sub-stage of 督查."""
    cycle = app.get_cycle(address)
    scheme = app.scheme_of(cycle)
    scores = [
        (_component_of(scheme, item.id), target, value)
        for category in rules.categories
        for item in category.items
        if item.rule != "carried"  # scored from last year's open rectifications
        for target, value in item_values(rng, item)
    ]
    ballot = rules.ballot
    groups = (
        list(ballot.groups)
        if ballot is not None and any(c.source == "ballots" for c in rules.components)
        else []
    )
    level = Decimal(rng.randint(70, 98)) / 100  # how well this unit is seen
    while True:
        stage = scheme.stage(app.get_cycle(address).stage)
        for entry in [e for e in scores if stage.allows("scores", e[0])]:
            scores.remove(entry)
            app.record_score(_as(SUPERVISOR), address, entry[1], entry[2], "查阅资料、现场核查")
        for group in [g for g in groups if stage.allows("ballots", g.id)]:
            groups.remove(group)
            _ballots(app, rng, address, group, level)
        onward = [t for t in scheme.triggers_from(stage.id) if t.dest.startswith("check.")]
        if not (scores or groups) or not onward:
            return
        app.advance(_as(SUPERVISOR), address, onward[0].name, None)


def _ballots(
    app: PdcaApplication, rng: random.Random, address: str, group: Any, level: Decimal
) -> None:
    """One group's 测评票: issued (to a peer unit of the same grid where the group's raters
    are units), cast one by one into the box, and the box closed (``ballot close``)."""
    ballot = app.scheme_of(app.get_cycle(address)).rules.ballot
    per_group = max(ballot.quorum // len(ballot.groups) + 2, 3)
    issues: list[dict[str, str]] = [{}]
    unit = app.get_unit(address.split("/")[0], tell=False)
    if group.raters == "units":
        # 分片互评 within the grid: two other registered units of the unit's grid.
        issues = [{"rater_unit": p} for p in _grid_peers(app, unit)[:2]]
    elif group.raters == "grids":
        issues = [{"rater_grid": g} for g in GRIDS if g != unit.grid][:1]
    cast = 0
    for rater in issues:
        tokens = app.issue_ballots(
            _as(SUPERVISOR),
            address,
            group.id,
            per_group,
            make_token=lambda: ballot_token(rng),
            **rater,
        )
        for token in tokens:
            app.cast_ballot(
                _as("演示-投票人"), address, token, ballot_marks(rng, level, ballot.fields())
            )
            cast += 1
    if cast:
        app.close_ballots(_as(SUPERVISOR), address, group.id)


def _grid(app: PdcaApplication, chosen: list[tuple[str, str, str]], n: int, scheme_id: str) -> str:
    """The unit's 联系片: a grid of its scheme's teams where they take in grids of their
    own (甘肃's 考核组, in turn), else one of the six (南通's 联系片, in turn over all the
    units)."""
    teams = [t for t in app.workspace.scheme(scheme_id).teams if t["grids"]]
    if not teams or {g for t in teams for g in t["grids"]} == set(GRIDS):
        # 南通's 处室 liaise with the six 联系片 every demo unit is spread over.
        return GRIDS[n % len(GRIDS)]
    k = sum(1 for _, _, s in chosen[:n] if s == scheme_id)
    return teams[k % len(teams)]["grids"][0]


def _grid_peers(app: PdcaApplication, unit: Any) -> list[str]:
    """The other registered demo units of ``unit``'s grid (the rater units of 分片互评)."""
    from pdca.errors import NotFound

    peers = []
    for name, _ in UNITS:
        if name == unit.registered_name:
            continue
        try:
            other = app.get_unit(name, tell=False)
        except NotFound:
            continue  # not registered (a demo of fewer units)
        if other.grid == unit.grid:
            peers.append(other.registered_name)
    return peers


def ballot_marks(
    rng: random.Random, level: Decimal, items: Sequence[ScoringPoint]
) -> dict[str, Decimal]:
    """One voter's marks: around ``level`` of each item's maximum, whole points."""
    return {
        i.id: min(
            i.max,
            max(
                Decimal(0),
                (i.max * (level + Decimal(rng.randint(-8, 6)) / 100)).quantize(Decimal(1)),
            ),
        )
        for i in items
    }


def ballot_token(rng: random.Random) -> str:
    """A token as ``ballot issue`` prints one, drawn from the demo's seeded generator."""
    from pdca.application.ballot_tokens import BITS, spelled

    # 40 bits from the demo's generator, as before 140-bit tokens: the rest of the demo
    # year (every mark and finding after this) draws the same numbers it always did.
    return spelled(random.Random(rng.getrandbits(40)).getrandbits(BITS))


def _advance_to(app: PdcaApplication, address: str, phase: str, reason: str | None) -> None:
    """Fire the triggers of the shortest path to the first stage of ``phase``."""
    cycle: Cycle = app.get_cycle(address)
    scheme: Scheme = app.scheme_of(cycle)
    paths: deque[tuple[str, list[str]]] = deque([(cycle.stage, [])])
    seen = {cycle.stage}
    while paths:
        stage, path = paths.popleft()
        if scheme.stage(stage).phase == phase:
            for trigger in path:
                app.advance(_as(SUPERVISOR), address, trigger, reason)
            return
        for trigger in scheme.triggers_from(stage):
            if trigger.dest not in seen:
                seen.add(trigger.dest)
                paths.append((trigger.dest, [*path, trigger.name]))
    raise AssertionError(f"{address}: no path to {phase}")
