"""``round finalize`` of a large round, against the code before issue 17.

Not a test: it prints figures. Run:
``python bench/finalize.py [--units 1000] [--runs 3] [--old DIR]``.
It builds (once; kept in the temp folder, ``--fresh`` rebuilds) a SQLite workspace of N
吉林 units, each with the demo's year (tasks, findings, item scores, ballots, the unit's
steps), the round opened and finalised once. ``--old DIR`` is a checkout of the code to
compare with (``git archive ddb3bd6 src cli | tar -x -C DIR``): each side runs on its own
copy of the built workspace, ``round finalize 2024 --scheme jilin --dry-run --json``,
interleaved run by run; the figure is the command's CPU time (the machine is shared),
and both answers must be equal byte for byte.
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
import time
from datetime import timedelta
from pathlib import Path

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
PERIOD = "2024"
ARGS = ["round", "finalize", PERIOD, "--scheme", "jilin", "--dry-run", "--json"]


def build(root: Path, units: int) -> int:
    from pdca.application import demo
    from pdca.application.acting import Acting
    from pdca.application.recording import period_bounds
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    subprocess.run([PDCA, "init", str(root)], env=env, check=True, stdout=subprocess.DEVNULL)
    app = PdcaApplication(open_workspace(str(root), None))
    rng = random.Random(2024)
    start, end = period_bounds(PERIOD)
    today = end + timedelta(days=40)
    started = time.perf_counter()
    for n in range(units):
        name = f"第{n + 1:04d}单位"
        app.register_unit(Acting.declared(demo.SUPERVISOR), name, "党政机关", None)
        cycle = app.open_cycle(Acting.declared(demo.SUPERVISOR), name, PERIOD, "jilin")
        demo._year(app, rng, cycle.address, start, end, today)
        demo.take_unit_steps(app, cycle.address)
        if (n + 1) % 100 == 0:
            print(f"  built {n + 1}/{units} units ({time.perf_counter() - started:.0f} s)")
    app.open_round(Acting.declared("bench"), PERIOD, "jilin")
    app.finalize_round(Acting.declared("bench"), PERIOD, "jilin", None)
    events = app.recorder.max_notification_id() or 0
    app.close()
    return events


def run(root: Path, old: Path | None) -> tuple[float, bytes]:
    """One ``round finalize --dry-run``: its CPU time and its answer."""
    env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env["PDCA_ACTOR"] = "bench"
    env.pop("PDCA_DB", None)
    command = [PDCA, *ARGS]
    if old is not None:
        env["PYTHONPATH"] = f"{old / 'src'}{os.pathsep}{old / 'cli'}"
        command = [sys.executable, "-c", "from pdca_cli import main; main()", *ARGS]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def _readable_by(root: Path, old: Path) -> None:
    """The old code refuses a database marked with a newer storage format. Format 12 only
    added files named inside events (``"attachments"``, an empty list when none): a copy
    where no event names a file is marked with the old code's format, so it reads it
    (its answer is still compared byte for byte with this code's)."""
    import re
    import sqlite3

    text = (old / "src" / "pdca" / "storage" / "meta.py").read_text(encoding="utf-8")
    known = int(re.search(r"^FORMAT = (\d+)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    with sqlite3.connect(root / "pdca.sqlite3") as db:
        stored = int(db.execute("SELECT value FROM pdca_meta WHERE key = 'format'").fetchone()[0])
        if stored <= known:
            return
        named = db.execute(
            "SELECT count(*) FROM stored_events WHERE CAST(state AS TEXT) LIKE '%\"attachments\":[{%'"
        ).fetchone()[0]
        if stored != 12 or known != 11 or named:
            sys.exit(f"--old reads storage format {known}; this dataset is {stored}")
        db.execute("UPDATE pdca_meta SET value = ? WHERE key = 'format'", (str(known),))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    base = Path(tempfile.gettempdir()) / f"pdca-bench-finalize-{args.units}"
    built = base / "built"
    if args.fresh or not (base / ".built").exists():
        shutil.rmtree(base, ignore_errors=True)
        print(f"building {args.units} units in {built} …")
        events = build(built, args.units)
        (base / ".built").write_text(f"{events}\n")
    print(f"{args.units} units, {(base / '.built').read_text().strip()} events")
    new, old = base / "new", base / "old"
    for copy in (new, old):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(built, copy)
    run(new, None)  # catch the views up once on each copy: the steady state is timed
    if args.old:
        _readable_by(old, args.old)
        run(old, args.old)
    times: dict[str, list[float]] = {"new": [], "old": []}
    answers: dict[str, bytes] = {}
    for _ in range(args.runs):
        seconds, answers["new"] = run(new, None)
        times["new"].append(seconds)
        if args.old:
            seconds, answers["old"] = run(old, args.old)
            times["old"].append(seconds)
    a = statistics.median(times["new"])
    print(f"  this code     {a * 1000:8.0f} ms CPU (median of {args.runs})")
    if args.old:
        b = statistics.median(times["old"])
        same = "equal byte for byte" if answers["new"] == answers["old"] else "DIFFERENT"
        print(f"  old code      {b * 1000:8.0f} ms CPU   speed-up {b / a:4.2f}x   answers {same}")


if __name__ == "__main__":
    main()
