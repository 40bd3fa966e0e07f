"""What ``pdca verify`` costs as the history grows: one cycle by key, and everything.

Not a test: it prints figures. Three synthetic provinces (``bench/province.py``; the
long one made by ``bench/replicate.py`` from the one-year one), cached under ``--data``:

  * 60 units × 2 years      ≈ 11.5k events
  * 1000 units × 1 year     ≈ 97k events
  * 1000 units × 11 years   ≈ 1.05M events (year 1 written again as ten later years)

Each gets the topic index as ``pdca init`` run again gives an old workspace. Then, runs
interleaved so the machine's load falls on every size alike (medians reported):

  (1) ``pdca verify 第0001单位/2001 --json`` — the whole command, as a person runs it,
      and ``verify_history`` alone timed in a fresh process (cold, like a command);
  (2) ``pdca verify --all --json`` — seconds and peak resident memory (``/usr/bin/time``).

The one-cycle figure at 11.5k events checks a smaller round (24 units, not 400): the
same-province pair (97k → 1.05M) is the one that shows the history growing alone.

    python bench/verify.py                  # builds what is missing (a few minutes)
    python bench/verify.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDRESS = "第0001单位/2001"
PDCA = str(Path(sys.executable).with_name("pdca"))


def _build(data: Path) -> dict[str, Path]:
    small, year, long = data / "p60u-2y", data / "p1000u-1y", data / "p1000u-11y"
    for root, units, years in ((small, 60, 2), (year, 1000, 1)):
        if not (root / "complete").exists():
            shutil.rmtree(root, ignore_errors=True)
            print(f"building {root} …", flush=True)
            subprocess.run(
                [sys.executable, str(HERE / "province.py"), str(root),
                 "--units", str(units), "--years", str(years)],
                check=True,
            )  # fmt: skip
            _init(root)
            (root / "complete").write_text("")
    if not (long / "complete").exists():
        shutil.rmtree(long, ignore_errors=True)
        print(f"building {long} from {year} …", flush=True)
        shutil.copytree(year, long)
        (long / "complete").unlink()
        subprocess.run(
            [sys.executable, str(HERE / "replicate.py"), str(long), "--years", "11"], check=True
        )
        _init(long)
        (long / "complete").write_text("")
    return {"small": small, "year": year, "long": long}


def _init(root: Path) -> None:
    """``pdca init`` run again in an existing workspace: it adds what a newer pdca needs
    (here the topic index) and changes no event."""
    subprocess.run([PDCA, "init"], cwd=root, check=True, capture_output=True)


def _events(root: Path) -> int:
    import sqlite3

    db = sqlite3.connect(f"file:{root / 'pdca.sqlite3'}?mode=ro", uri=True)
    return int(db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0])


def _command(root: Path, *args: str) -> tuple[float, float, dict[str, object]]:
    """Wall seconds, peak resident MB and the JSON answer of one ``pdca`` command."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", PDCA, *args, "--json"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pdca {' '.join(args)} in {root}: exit {done.returncode}\n{done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024, json.loads(done.stdout)


def _in_process(root: Path) -> float:
    """``verify_history`` of one cycle, timed inside a fresh process."""
    code = (
        "import sys, time\n"
        "from pdca.application.service import PdcaApplication\n"
        "from pdca.application.workspace import open_workspace\n"
        "app = PdcaApplication(open_workspace(sys.argv[1], None))\n"
        "t = time.perf_counter(); app.verify_history(sys.argv[2])\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root), ADDRESS], check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/pdca-bench-verify"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--all-runs", type=int, default=1)
    args = parser.parse_args()
    # The commands run as on a user's machine, their modules compiled once and kept (this
    # machine sets PYTHONDONTWRITEBYTECODE: compiling on every run, alike at every size,
    # pulled the ratios towards 1). The first round below writes them.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    roots = _build(args.data)
    events = {k: _events(r) for k, r in roots.items()}
    one: dict[str, list[float]] = {k: [] for k in roots}
    inner: dict[str, list[float]] = {k: [] for k in roots}
    checked: dict[str, object] = {}
    for _ in range(args.runs):
        for key, root in roots.items():
            seconds, _, answer = _command(root, "verify", ADDRESS)
            assert answer["clean"], answer
            one[key].append(seconds)
            checked[key] = answer["events"]
            inner[key].append(_in_process(root))
    whole: dict[str, list[tuple[float, float]]] = {k: [] for k in roots}
    for _ in range(args.all_runs):
        for key, root in roots.items():
            seconds, peak, answer = _command(root, "verify", "--all")
            assert answer["clean"] and answer["events"] == events[key], answer
            whole[key].append((seconds, peak))

    print(f"pdca verify {ADDRESS} (medians of {args.runs} interleaved runs)")
    for key in roots:
        print(
            f"  {events[key]:>10,} events  checks {checked[key]:>4} events   "
            f"command {statistics.median(one[key]):6.3f} s   "
            f"verify_history {statistics.median(inner[key]) * 1000:7.1f} ms"
        )
    ratio_cmd = statistics.median(one["long"]) / statistics.median(one["year"])
    ratio_in = statistics.median(inner["long"]) / statistics.median(inner["year"])
    ratio_small = statistics.median(one["long"]) / statistics.median(one["small"])
    print(
        f"  1.05M / 97k, same province: command {ratio_cmd:.2f}×, "
        f"verify_history {ratio_in:.2f}×   (target ≤ 1.2)\n"
        f"  1.05M / 11.5k (rounds of 400 vs 24 units): command {ratio_small:.2f}×"
    )
    print(f"pdca verify --all ({args.all_runs} run(s) each; largest peak)")
    for key in roots:
        seconds = statistics.median(s for s, _ in whole[key])
        peak = max(p for _, p in whole[key])
        rate = events[key] / seconds
        print(
            f"  {events[key]:>10,} events  {seconds:7.1f} s  {rate:>9,.0f} events/s  "
            f"peak {peak:6.0f} MB"
        )
    growth = events["long"] / events["year"]
    peak_ratio = max(p for _, p in whole["long"]) / max(p for _, p in whole["year"])
    print(f"  history ×{growth:.1f} → peak memory ×{peak_ratio:.2f}")


if __name__ == "__main__":
    main()
