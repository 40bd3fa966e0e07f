"""Start-up cost of the commands supervisors type all day, against ``python -c pass``.

Not a test: it prints figures. Run: ``python bench/startup.py [--runs 15]``.
It builds a throw-away SQLite workspace, then times (median wall time over N runs)
``pdca cycle status`` (a read) and ``pdca cycle advance`` (a write; the cycle is
moved back and forth between 处理 and 督查 so every run records one event).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_ms(cmds: list[list[str]], env: dict[str, str]) -> float:
    return statistics.median(timed(c, env) for c in cmds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PDCA_WORKSPACE": tmp,
            "PDCA_ACTOR": "bench",
            "PDCA_LOG_LEVEL": "warning",
        }
        env.pop("PDCA_DB", None)
        setup = [
            ["init", tmp],
            ["unit", "add", "市财政局", "--category", "党政机关"],
            ["cycle", "open", "市财政局", "2024", "--scheme", "jilin"],
            ["task", "add", "市财政局/2024", "三会一课", "--deadline", "2024-12-31"],
            ["task", "publish", "市财政局/2024"],
            ["cycle", "advance", "市财政局/2024", "start_do"],
            ["cycle", "advance", "市财政局/2024", "start_check"],
        ]
        for step in setup:
            subprocess.run([PDCA, *step], env=env, check=True, stdout=subprocess.DEVNULL)
        runs = args.runs
        baseline = median_ms([[sys.executable, "-c", "pass"]] * runs, env)
        status = median_ms([[PDCA, "cycle", "status", "市财政局/2024"]] * runs, env)
        triggers = ["start_act", "reopen_check"] * (runs // 2 + 1)
        advance = median_ms(
            [[PDCA, "cycle", "advance", "市财政局/2024", t] for t in triggers[:runs]], env
        )
    print(f"runs per figure: {runs} (median wall time)")
    print(f"python -c pass        {baseline:7.1f} ms   1.0x")
    print(f"pdca cycle status     {status:7.1f} ms  {status / baseline:4.1f}x")
    print(f"pdca cycle advance    {advance:7.1f} ms  {advance / baseline:4.1f}x   (target <= 15x)")


if __name__ == "__main__":
    main()
