"""A long cycle against a normal one: ``cycle status``, ``explain`` and one more finding.

Not a test: it prints figures. Run: ``python bench/long_cycle.py [--runs 9]``.
It builds a SQLite workspace (kept in the temp folder; ``--fresh`` rebuilds) with two
吉林 cycles in 督查: a normal one (the demo's year: tasks, findings, item scores and
ballots, about 47 events) and a long one (the same year plus 5,000 findings and 2,000
counted ballots, about 7,000 events). Then it times each command on both as real
subprocesses, interleaved run by run (so the machine's load falls on both alike), and
prints the medians of their CPU time and the long/normal ratios.

``--against OTHER_PDCA`` times another build's ``pdca`` script (a checkout of main, say)
in the same runs, interleaved with this one's, and prints its figures below.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
NORMAL, LONG = "市财政局/2024", "市水务集团/2024"
FINDINGS, BALLOTS, BATCH = 5000, 2000, 500


def build(root: Path) -> dict[str, int]:
    """The two cycles; returns their event counts."""
    from pdca.application import demo, saving
    from pdca.application.acting import Acting
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from pdca.domain.cycle import Cycle

    env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    subprocess.run([PDCA, "init", str(root)], env=env, check=True, stdout=subprocess.DEVNULL)
    app = PdcaApplication(open_workspace(str(root), None))
    rng = random.Random(2024)
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    today = end + timedelta(days=40)
    for address in (NORMAL, LONG):
        unit = address.split("/")[0]
        app.register_unit(Acting.declared(demo.SUPERVISOR), unit, "党政机关", None)
        app.open_cycle(Acting.declared(demo.SUPERVISOR), unit, "2024", "jilin")
        cycle = app.get_cycle(address)
        rules = app.scheme_of(cycle).rules
        for title in demo.TASKS[:4]:
            app.add_task(demo._as(demo.SUPERVISOR), address, title, end, None)
        app.publish_task_list(demo._as(demo.SUPERVISOR), address)
        demo._advance_to(app, address, "do", "任务清单已发布")
        demo._work(app, rng, address, rules, start, end, today)
        demo._advance_to(app, address, "check", None)
        demo._check(app, rng, address, rules)
    # The long one: findings and counted ballots recorded in batches (as a clerk's
    # imports would), each batch saved through the application's one save path.
    cycle = app.get_cycle(LONG)
    rules = app.scheme_of(cycle).rules
    indicator = next(i for i in rules.ledger_indicators if i.min_points < 0)
    ballot = next(iter(cycle.facts.ballots()))
    acting = Acting.declared(demo.SUPERVISOR)
    made = 0
    while made < FINDINGS + BALLOTS:
        cycle = app.get_cycle(LONG)
        for _ in range(min(BATCH, FINDINGS + BALLOTS - made)):
            if made < FINDINGS:
                cycle.record(
                    Cycle.FindingRecorded,
                    source=rules.ledger_sources[0],
                    indicator=indicator.id,
                    points=Decimal(-1) / 2,
                    observed_on=start + timedelta(days=made % 360),
                    evidence=f"抽查记录 {made}",
                    actor=demo.SUPERVISOR,
                )
            else:
                cycle.record(Cycle.BallotCounted, group=ballot.group, scores=dict(ballot.scores))
            made += 1
        saving.save(app, acting, [cycle], lambda _read: RuntimeError("conflict"))
    counts = {a: app.get_cycle(a).version for a in (NORMAL, LONG)}
    app.close()
    return counts


def timed(args: list[str], env: dict[str, str], pdca: str = PDCA) -> float:
    """The command's CPU time (user + system): on a machine shared by many, wall time
    mostly measures the others."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([pdca, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--against", help="another build's pdca script, timed in the same runs")
    parser.add_argument("--only", action="append", help="time only this command (repeatable)")
    args = parser.parse_args()
    root = Path(tempfile.gettempdir()) / "pdca-bench-long-cycle"
    ready = root / ".built"
    if args.fresh or not ready.exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"building {root} …")
        counts = build(root)
        ready.write_text(f"{counts[NORMAL]} {counts[LONG]}\n")
    normal_events, long_events = ready.read_text().split()
    env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    env["PDCA_ACTOR"] = "bench"
    # As on a user's machine, the compiled modules are kept (this machine sets
    # PYTHONDONTWRITEBYTECODE): compiling pdca's sources on every run is a cost no user
    # pays, and the same on both cycles, so it pulled every ratio towards 1. The warm-up
    # runs below write them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "cycle status": lambda a, n: ["cycle", "status", a],
        "explain": lambda a, n: ["explain", a],
        "history": lambda a, n: ["history", a],
        "finding record": lambda a, n: [
            "finding",
            "record",
            a,
            "--source",
            "暗访",
            "--indicator",
            "discipline",
            "--points",
            "-0.5",
            "--observed-on",
            f"2024-{1 + n % 12:02d}-10",
            "--evidence",
            f"基准抽查 {n}",
        ],
    }
    if args.only:
        commands = {label: make for label, make in commands.items() if label in args.only}
    builds = {"this build": PDCA, **({"against": args.against} if args.against else {})}
    for pdca in builds.values():
        for make in commands.values():  # warm the disk cache and the views
            timed(make(NORMAL, 0), env, pdca)
            timed(make(LONG, 0), env, pdca)
    figures: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (b, c): ([], []) for b in builds for c in commands
    }
    for n in range(1, args.runs + 1):
        for label, make in commands.items():
            for which, pdca in builds.items():
                figures[which, label][0].append(timed(make(NORMAL, n), env, pdca))
                figures[which, label][1].append(timed(make(LONG, n), env, pdca))
    print(
        f"normal cycle {normal_events} events, long cycle {long_events} events; "
        f"median CPU time of {args.runs} interleaved runs (ms)"
    )
    for which, pdca in builds.items():
        print(f"{which} ({pdca}):")
        for label in commands:
            normal, long = figures[which, label]
            a, b = statistics.median(normal) * 1000, statistics.median(long) * 1000
            print(f"  pdca {label:16s} normal {a:7.1f}   long {b:7.1f}   ratio {b / a:4.2f}x")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
