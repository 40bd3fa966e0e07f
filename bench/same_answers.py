"""Two builds of pdca give the same ``explain`` answers, byte for byte.

Not a test (it needs a second checkout): run it before claiming a change to scoring,
the snapshot codec or explain's rendering keeps the outputs. For every cycle of each
workspace it runs ``explain`` as text and as ``--json``, now and ``--as-of`` the moment
of its middle and of its last event (the past fold's path), with both builds, and
compares standard output, standard error and the exit code.

    python bench/same_answers.py --old /tmp/old/.venv/bin/pdca --new .venv/bin/pdca \
        --workspace /tmp/pdca-demo --workspace /tmp/pdca-bench-long-cycle
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys


def run(pdca: str, workspace: str, args: list[str]) -> tuple[bytes, bytes, int]:
    env = {**os.environ, "PDCA_WORKSPACE": workspace, "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    done = subprocess.run([pdca, *args], env=env, capture_output=True)
    return done.stdout, done.stderr, done.returncode


def moments(pdca: str, workspace: str, cycle: str) -> list[str]:
    """The instants of the cycle's middle and last events, as ``history`` spells them."""
    out, _, code = run(pdca, workspace, ["history", cycle, "--json"])
    if code:
        return []
    events = json.loads(out)
    return [events[len(events) // 2]["recorded_at"], events[-1]["recorded_at"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", required=True, help="the pdca script of the build before")
    parser.add_argument("--new", required=True, help="the pdca script of the build after")
    parser.add_argument("--workspace", action="append", required=True)
    args = parser.parse_args()
    compared, differ = 0, []
    for workspace in args.workspace:
        out, _, _ = run(args.old, workspace, ["cycle", "list", "--json"])
        for cycle in [c["cycle"] for c in json.loads(out)]:
            variants = [[], ["--json"]]
            for moment in moments(args.old, workspace, cycle):
                variants += [["--as-of", moment], ["--as-of", moment, "--json"]]
            for extra in variants:
                command = ["explain", cycle, *extra]
                if run(args.old, workspace, command) != run(args.new, workspace, command):
                    differ.append(f"{workspace}: pdca {' '.join(command)}")
                compared += 1
    print(f"{compared} explain answers compared, {len(differ)} differ")
    for line in differ:
        print(f"  differs: {line}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
