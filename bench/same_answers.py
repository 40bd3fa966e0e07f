"""Two checkouts of pdca give the same ``explain`` answers, byte for byte.

Not a test (it needs a second checkout): run it before claiming a change to scoring,
the snapshot codec or explain's rendering keeps the outputs. For every cycle of each
workspace it runs ``explain`` as text and as ``--json``, now and ``--as-of`` the moment
of its middle and of its last event (the past fold's path), once with each checkout's
code (``src``, ``cli``, ``web`` first on the path, this interpreter's packages), and
compares standard output, standard error and the exit code. Each checkout answers in
one process (click's test runner), so a few hundred answers take a minute, not an hour.

    python bench/same_answers.py --old /tmp/main-checkout --new . \\
        --workspace /tmp/pdca-demo --workspace /tmp/pdca-bench-long-cycle
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

#: Run inside each checkout's process: every answer, as JSON on stdout.
_ANSWER = """
import json, sys
from click.testing import CliRunner
from pdca_cli import cli

workspaces = json.loads(sys.argv[1])
runner = CliRunner()


def run(workspace, args):
    done = runner.invoke(cli, ["--workspace", workspace, *args], catch_exceptions=False)
    return done.stdout, done.stderr, done.exit_code


answers = {}
for workspace in workspaces:
    cycles = [c["cycle"] for c in json.loads(run(workspace, ["cycle", "list", "--json"])[0])]
    for cycle in cycles:
        out, _, code = run(workspace, ["history", cycle, "--json"])
        events = json.loads(out) if code == 0 else []
        variants = [[], ["--json"]]
        for event in (events[len(events) // 2], events[-1]) if events else ():
            variants += [["--as-of", event["recorded_at"]], ["--as-of", event["recorded_at"], "--json"]]
        for extra in variants:
            command = ["explain", cycle, *extra]
            answers[workspace + " :: pdca " + " ".join(command)] = run(workspace, command)
json.dump(answers, sys.stdout)
"""


def answers(checkout: Path, workspaces: list[str]) -> dict[str, list[object]]:
    paths = [str(checkout / part) for part in ("src", "cli", "web")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    env.pop("PDCA_WORKSPACE", None)
    done = subprocess.run(
        [sys.executable, "-c", _ANSWER, json.dumps(workspaces)],
        env=env,
        capture_output=True,
        check=True,
        text=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", required=True, type=Path, help="the checkout before")
    parser.add_argument("--new", required=True, type=Path, help="the checkout after")
    parser.add_argument("--workspace", action="append", required=True)
    args = parser.parse_args()
    old = answers(args.old.resolve(), args.workspace)
    new = answers(args.new.resolve(), args.workspace)
    differ = [command for command in old if old[command] != new.get(command)]
    differ += [command for command in new if command not in old]
    print(f"{len(old)} explain answers compared, {len(differ)} differ")
    for command in differ:
        print(f"  differs: {command}")
    return 1 if differ or not old else 0


if __name__ == "__main__":
    sys.exit(main())
