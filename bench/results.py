"""Exports and the round report of a large round, as a committee runs them.

Not a test: it prints figures. Run: ``python bench/results.py [--units 500] [--runs 3]``.
The first run builds a SQLite workspace with a scored year for N units (the demo's
year — tasks, spot-check findings, item scores, anonymous ballots, rectifications —
for generated units, through the application as supervisors record it; two rounds
finalised) and keeps it in the temp folder; later runs reuse it (``--fresh`` rebuilds).
Then it times, as real subprocesses (median wall time), ``pdca export scores`` as
xlsx, csv and json, ``pdca export ledger`` and ``pdca export rectifications`` as xlsx,
and ``pdca report``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
CATEGORIES = ("党政机关", "中直单位", "群团组织", "企事业单位")
PERIOD = "2024"


def build(root: Path, units: int, seed: int = 2024) -> tuple[int, float]:
    """A scored, finalised year of ``units`` units; returns (events, seconds)."""
    from pdca.application import demo
    from pdca.application.acting import Acting
    from pdca.application.recording import period_bounds
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import create_workspace

    started = time.perf_counter()
    app = PdcaApplication(create_workspace(root, None), create_tables=True)
    app.projection_runtime().create_tables()
    rng = random.Random(seed)
    start, end = period_bounds(PERIOD)
    today = end + timedelta(days=40)
    cycles = []
    for n in range(units):
        category = CATEGORIES[n % len(CATEGORIES)]
        name = f"第{n + 1:03d}单位"
        app.register_unit(
            Acting.declared(demo.SUPERVISOR), name, category, demo.GRIDS[n % len(demo.GRIDS)]
        )
        cycle = app.open_cycle(
            Acting.declared(demo.SUPERVISOR), name, PERIOD, demo.scheme_for(category)
        )
        demo._year(app, rng, cycle.address, start, end, today)
        demo.take_unit_steps(app, cycle.address)
        cycles.append(cycle.address)
        if (n + 1) % 50 == 0:
            print(f"  built {n + 1}/{units} units ({time.perf_counter() - started:.0f} s)")
    for scheme_id in sorted({demo.scheme_for(c) for c in CATEGORIES}):
        app.open_round(Acting.declared("bench"), PERIOD, scheme_id)
        app.finalize_round(Acting.declared("bench"), PERIOD, scheme_id, None)
    for address in cycles:
        demo._rectify(app, rng, address, today)
    events = app.recorder.max_notification_id() or 0
    app.close()
    return events, time.perf_counter() - started


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [PDCA, *args], env=env, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached workspace")
    args = parser.parse_args()

    root = Path(tempfile.gettempdir()) / f"pdca-bench-results-{args.units}"
    ready = root / ".built"
    if args.fresh or not ready.exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"building a scored year of {args.units} units in {root} …")
        events, seconds = build(root, args.units)
        ready.write_text(f"{events}\n")
        print(f"built: {events} events in {seconds:.1f} s")
    else:
        print(f"reusing {root} ({ready.read_text().strip()} events; --fresh to rebuild)")

    env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    out = Path(tempfile.mkdtemp())
    # The first command catches the projections up; time the steady state after it.
    timed(["ranking", PERIOD], env)
    jobs = [
        ("export scores xlsx", ["export", "scores", PERIOD, "-o", str(out / "s.xlsx")]),
        ("export scores csv", ["export", "scores", PERIOD, "-o", str(out / "s.csv")]),
        ("export scores json", ["export", "scores", PERIOD, "-o", str(out / "s.json")]),
        ("export ledger xlsx", ["export", "ledger", PERIOD, "-o", str(out / "l.xlsx")]),
        (
            "export rectifications xlsx",
            ["export", "rectifications", PERIOD, "-o", str(out / "r.xlsx")],
        ),
        ("report", ["report", PERIOD, "-o", str(out / "report.html")]),
    ]
    print(f"{args.units} units, median wall time of {args.runs} runs (subprocess, SQLite):")
    for label, command in jobs:
        ms = statistics.median(timed(command, env) for _ in range(args.runs)) * 1000
        print(f"  pdca {label:28s} {ms:8.0f} ms")
    size = (out / "report.html").stat().st_size // 1024
    print(f"  report size: {size} KB; files in {out}")


if __name__ == "__main__":
    main()
