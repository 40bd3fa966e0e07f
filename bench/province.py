"""A synthetic province: many units, many years, ~50 events per cycle, for benchmarks.

The history is made by the domain's own aggregates and saved through the
application (so it is stored exactly as commands store it), one step of the year
at a time for every unit — task lists in spring, progress and spot checks through
the year, ballots at the check, the round finalised by the application, the cycles
closed — so each year's events interleave across units as they would in a province.

Commands are not replayed one by one (that reloads a cycle per command and would
take an hour for a million events); the facts are the demo's kind, the rules the five
shipped schemes, assigned as the demo assigns them (``demo.SCHEME_BLOCKS``, repeated
every 30 units): 吉林, 达州 (four quarterly cycles a year, each finalised by its round
before the year rolls them up), 南通 (分片互评 ballots issued to rater units of the
grid), 述评考用 and 甘肃.

    python bench/province.py --units 1000 --years 20 DIR
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import deque
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pdca.application.acting import Acting
from pdca.application.ballot_tokens import token_digest
from pdca.application.demo import (
    GRIDS,
    QUARTERLY,
    SPOT_CHECKS,
    TASKS,
    UNITS,
    ballot_marks,
    ballot_token,
    item_values,
)
from pdca.application.demo import scheme_for as demo_scheme
from pdca.application.recording import _component_of, period_bounds
from pdca.application.service import PdcaApplication, new_cycle
from pdca.application.workspace import create_workspace
from pdca.domain.cycle import Cycle
from pdca.domain.unit import Unit
from pdca.rules.schemes import Scheme

ACTOR = "基准-督查组"
TASKS_PER_CYCLE = 8


def assigned(n: int) -> tuple[str, str]:
    """The ``n``-th unit's category and scheme: the demo's, repeated every 30 units."""
    k = n % len(UNITS)
    category = UNITS[k][1]
    return category, demo_scheme(category, k)


def build(root: Path, units: int, years: int, first_year: int = 2001, seed: int = 7) -> int:
    """Write the history into a new workspace at ``root``; return the number of events."""
    workspace = create_workspace(root, None)
    app = PdcaApplication(workspace, create_tables=True)
    app.projection_runtime().create_tables()
    events = populate(app, units, years, first_year, seed)
    app.close()
    return events


def roster_of(units: int) -> list[tuple[str, str]]:
    """The province's units: (name, category)."""
    return [(f"第{n + 1:04d}单位", assigned(n)[0]) for n in range(units)]


def scheme_for(category: str) -> str:
    """A scheme by category alone (吉林, or 甘肃 for enterprises), for live cycles."""
    return demo_scheme(category)


def populate(app: PdcaApplication, units: int, years: int, first_year: int, seed: int) -> int:
    """Write the history through ``app`` (an initialised workspace's, on any database)."""
    workspace = app.workspace
    rng = random.Random(seed)
    roster = [(f"第{n + 1:04d}单位", *assigned(n)) for n in range(units)]
    schemes = {s: workspace.scheme(s) for s in sorted({s for _, _, s in roster})}
    grids = [_grid(schemes[s], roster, n) for n, (_, _, s) in enumerate(roster)]
    app.save(
        *(
            Unit(name=name, category=category, grid=grid, actor=ACTOR)
            for (name, category, _), grid in zip(roster, grids, strict=True)
        )
    )
    # 分片互评: the rater units of a unit are two other units of its grid.
    peers = {
        name: [
            other
            for (other, _, _), g in zip(roster, grids, strict=True)
            if g == grid and other != name
        ][:2]
        for (name, _, _), grid in zip(roster, grids, strict=True)
    }
    started = time.perf_counter()
    for year in range(first_year, first_year + years):
        # The quarters first: the year that rolls them up reads their published outcomes.
        for scheme_id, parts in sorted(QUARTERLY.items()):
            quarterly = [u for u in roster if u[2] == scheme_id]
            for part in parts if quarterly else ():
                _year(app, rng, quarterly, schemes, peers, f"{year}-{part}")
        _year(app, rng, roster, schemes, peers, str(year))
        events = app.recorder.max_notification_id() or 0
        rate = events / (time.perf_counter() - started)
        print(f"  {year}: {events:,} events ({rate:,.0f}/s)", file=sys.stderr)
    return app.recorder.max_notification_id() or 0


def _grid(scheme: Scheme, roster: list[tuple[str, str, str]], n: int) -> str:
    """As the demo's: a grid of the scheme's teams where they take in grids (甘肃's 考核组,
    in turn), else one of the six, in turn over all the units."""
    teams = [t for t in scheme.teams if t["grids"]]
    if not teams:
        return GRIDS[n % len(GRIDS)]
    k = sum(1 for _, _, s in roster[:n] if s == scheme.id)
    return str(teams[k % len(teams)]["grids"][0])


def _year(
    app: PdcaApplication,
    rng: random.Random,
    roster: list[tuple[str, str, str]],
    schemes: dict[str, Scheme],
    peers: dict[str, list[str]],
    period: str,
) -> None:
    """One period's cycles of ``roster`` (a year, or a quarter of the units that have
    quarterly sheets), from the task list to the round finalised and the cycles closed."""
    start, end = period_bounds(period)
    cycles = []
    for name, _, scheme_id in roster:
        cycles.append(new_cycle(name, period, schemes[scheme_id], ACTOR))
    app.save(*cycles)
    scheme_of = {c.id: schemes[c.scheme_id] for c in cycles}

    # 计划: the task list (月初清单), published, then 执行.
    for cycle in cycles:
        for no, title in enumerate(rng.sample(TASKS, k=TASKS_PER_CYCLE), start=1):
            deadline = start + timedelta(days=rng.randint(90, 360))
            cycle.record(
                Cycle.TaskAdded,
                task_no=no,
                title=title,
                deadline=deadline,
                indicator=None,
                actor=ACTOR,
            )
        cycle.record(Cycle.TaskListPublished, task_count=TASKS_PER_CYCLE, actor=ACTOR)
        _advance_to(cycle, scheme_of[cycle.id], "do")
    app.save(*cycles)

    # 执行: a progress report on every task in the year, spot checks (秋后算账)...
    for cycle in cycles:
        for no in cycle.tasks:
            progress = rng.choice((30, 50, 70))
            cycle.record(
                Cycle.TaskReported, task_no=no, progress=progress, note="按月报告", actor=ACTOR
            )
    app.save(*cycles)
    for cycle in cycles:
        rules = scheme_of[cycle.id].rules
        indicators = [i for i in rules.ledger_indicators if i.min_points < 0]
        for _ in range(rng.choice((1, 2, 3)) if indicators else 0):
            indicator = rng.choice(indicators)
            worst = max(indicator.min_points, Decimal(-5))
            cycle.record(
                Cycle.FindingRecorded,
                source=rng.choice(rules.ledger_sources),
                indicator=indicator.id,
                points=Decimal(rng.randint(int(worst * 2), -1)) / 2,
                observed_on=start + timedelta(days=rng.randint(0, (end - start).days)),
                evidence=rng.choice(SPOT_CHECKS),
                actor=ACTOR,
            )
    app.save(*cycles)
    # ...and the tasks completed.
    for cycle in cycles:
        qualities = [q for q, _ in scheme_of[cycle.id].rules.quality] or [None]
        for no in cycle.tasks:
            cycle.record(
                Cycle.TaskCompleted, task_no=no, quality=rng.choice(qualities[:3]), actor=ACTOR
            )
    app.save(*cycles)

    # 督查: item scores and anonymous ballots; one finding in ten is corrected.
    for cycle in cycles:
        scheme = scheme_of[cycle.id]
        _advance_to(cycle, scheme, "check")
        _check(cycle, scheme, rng, peers[cycle.unit])
        findings = [p for p, f in cycle.facts.facts.items() if type(f).__name__ == "Finding"]
        if findings and rng.random() < 0.1:
            cycle.record(
                Cycle.FactAmended,
                fact_position=findings[0],
                value=Decimal("-0.5"),
                reason="复核后减轻",
                actor=ACTOR,
            )
        _unit_steps(cycle, scheme)
        _advance_to(cycle, scheme, "act")
    app.save(*cycles)

    # 处理: the rounds are finalised by the application, then the cycles closed.
    for scheme_id in sorted({c.scheme_id for c in cycles}):
        app.open_round(Acting.declared("基准-考核办"), period, scheme_id)
        app.finalize_round(Acting.declared("基准-考核办"), period, scheme_id, None)
    for cycle in cycles:
        _advance_to(cycle, scheme_of[cycle.id], "closed")
    app.save(*cycles)


def _unit_steps(cycle: Cycle, scheme: Scheme) -> None:
    """The unit's own steps its scheme requires, approved where they need it (as
    ``demo.take_unit_steps``, recorded straight on the aggregate like the rest here)."""
    for step in scheme.rules.unit_steps:
        if not step.required:
            continue
        cycle.record(
            Cycle.UnitStepRecorded,
            step=step.id,
            text=step.label,
            evidence="基准材料",
            actor=f"{cycle.unit}-填报员",
        )
        if step.approval:
            cycle.record(
                Cycle.UnitStepReviewed,
                fact_position=cycle.version,
                approved=True,
                reason="符合要求",
                actor="基准-考核办",
            )


def _check(cycle: Cycle, scheme: Scheme, rng: random.Random, peers: list[str]) -> None:
    """Item scores and ballots, each in the sub-stage of 督查 that takes it (format 3
    ``records``: 甘肃's 实地考核, 南通's links, 述评考用's 评), moving on as the demo does."""
    rules = scheme.rules
    scores = [
        (_component_of(scheme, item.id), item, target, value)
        for category in rules.categories
        for item in category.items
        if item.rule != "carried"  # scored from last year's open rectifications
        # As the demo records them: an item's value, its 采分点, or an opinion.
        for target, value in item_values(rng, item)
    ]
    groups = list(rules.ballot.groups) if rules.ballot is not None else []
    level = Decimal(rng.randint(70, 98)) / 100
    while True:
        stage = scheme.stage(cycle.stage)
        for entry in [e for e in scores if stage.allows("scores", e[0])]:
            scores.remove(entry)
            _score(cycle, *entry[1:])
        for group in [g for g in groups if stage.allows("ballots", g.id)]:
            groups.remove(group)
            _ballots(cycle, rules, group, level, rng, peers)
        onward = [t for t in scheme.triggers_from(stage.id) if t.dest.startswith("check.")]
        if not (scores or groups) or not onward:
            return
        cycle.record(
            Cycle.StageAdvanced,
            trigger=onward[0].name,
            from_stage=stage.id,
            to_stage=onward[0].dest,
            actor=ACTOR,
            reason=None,
        )


def _score(cycle: Cycle, item: Any, target: str, value: Any) -> None:
    fact: dict[str, object]
    if item.scored_points:
        event, fact = Cycle.PointScored, {"point": target.rpartition(".")[2]}
        fact["value"] = value
    elif item.rule == "opinion":
        event, fact = Cycle.OpinionRecorded, {"opinion": value}
    else:
        event, fact = Cycle.ItemScored, {"value": value}
    cycle.record(event, item=item.id, evidence="查阅资料、现场核查", actor=ACTOR, **fact)


def _ballots(
    cycle: Cycle, rules: Any, group: Any, level: Decimal, rng: random.Random, peers: list[str]
) -> None:
    per_group = max(rules.ballot.quorum // len(rules.ballot.groups) + 2, 3)  # as the demo
    # 分片互评 (raters = "units"): issued to each of two rater units of the grid, as the demo.
    raters: list[dict[str, Any]] = [{}]
    if group.raters == "units":
        raters = [{"rater_unit": p, "rater_grid": None} for p in peers]
    elif group.raters == "grids":
        raters = [{"rater_unit": None, "rater_grid": g} for g in GRIDS[:1]]
    for rater in raters:
        salt = f"{rng.getrandbits(128):032x}"
        digests = sorted(token_digest(ballot_token(rng), salt) for _ in range(per_group))
        event = Cycle.BallotsIssuedToRater if rater else Cycle.BallotsIssued
        cycle.record(event, group=group.id, token_digests=digests, salt=salt, actor=ACTOR, **rater)
        # As a clerk's batch records them: the tokens spent, then the anonymous ballots.
        cycle.record(Cycle.BallotTokensUsed, token_digests=digests, boxed=False, actor=ACTOR)
        for _ in digests:
            scores = ballot_marks(rng, level, rules.ballot.fields())
            cycle.record(Cycle.BallotCounted, group=group.id, scores=scores)


def _advance_to(cycle: Cycle, scheme: Scheme, phase: str) -> None:
    """Record the moves of the shortest path to the first stage of ``phase``."""
    paths: deque[tuple[str, list[tuple[str, str, str]]]] = deque([(cycle.stage, [])])
    seen = {cycle.stage}
    while paths:
        stage, path = paths.popleft()
        if scheme.stage(stage).phase == phase:
            for trigger, source, dest in path:
                cycle.record(
                    Cycle.StageAdvanced,
                    trigger=trigger,
                    from_stage=source,
                    to_stage=dest,
                    actor=ACTOR,
                    reason=None,
                )
            return
        for trigger in scheme.triggers_from(stage):
            if trigger.dest not in seen:
                seen.add(trigger.dest)
                paths.append((trigger.dest, [*path, (trigger.name, stage, trigger.dest)]))
    raise AssertionError(f"{cycle.address}: no path to {phase}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--years", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    events = build(args.directory, args.units, args.years)
    print(f"{events:,} events in {time.perf_counter() - started:.1f} s → {args.directory}")


if __name__ == "__main__":
    main()
