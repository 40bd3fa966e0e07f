"""Update the golden answers (``tests/golden/jilin-2024/``) for the displays issue 12's
items 7 and 8 change on purpose — and only those lines. The stored rows are never
touched.

Run once by that change (``python -m tests.golden.update_i12_look``). A line may change
only where figures are now shown at the scheme's precision: the same line with every
number the same figure, written to another number of places (``21.750`` → ``21.75``,
``22.5`` → ``22.50``, ``95.0000`` → ``95.00``), each new figure the old one rounded
half-up to the places it now has. ``explain --json`` also gains one line, the scheme's
``"precision"``. Anything else that moved is reported and nothing is written.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from uuid import UUID

from click.testing import CliRunner
from eventsourcing.persistence import StoredEvent

from tests.golden.make_golden import HERE, NAME, QUESTIONS

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
ADDED = {'  "precision": "0.01",'}


def same_figures(old: str, new: str) -> bool:
    if NUMBER.sub("#", old) != NUMBER.sub("#", new):
        return False
    for a, b in zip(NUMBER.findall(old), NUMBER.findall(new), strict=True):
        was, now = Decimal(a), Decimal(b)
        if was.quantize(now, rounding=ROUND_HALF_UP) != now:
            return False
    return True


def allowed(old: list[str], new: list[str]) -> list[str]:
    """The changes between two answers that this update does not allow."""
    wrong = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        before, after = old[i1:i2], new[j1:j2]
        after = [line for line in after if line not in ADDED]
        if len(before) != len(after) or not all(map(same_figures, before, after)):
            wrong.append(f"{before} → {new[j1:j2]}")
    return wrong


def main() -> None:
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from tests.conftest import cli

    rows = [json.loads(line) for line in (HERE / f"{NAME}.jsonl").read_text("utf-8").splitlines()]
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        env = {"PDCA_WORKSPACE": str(root), "PDCA_ACTOR": "golden", "PDCA_DB": ""}
        runner = CliRunner()
        assert runner.invoke(cli, ["init", str(root)], env=env).exit_code == 0
        app = PdcaApplication(open_workspace(str(root), None))
        try:
            app.recorder.insert_events(
                [
                    StoredEvent(
                        originator_id=UUID(r["originator_id"]),
                        originator_version=r["originator_version"],
                        topic=r["topic"],
                        state=r["state"].encode("utf-8"),
                    )
                    for r in rows
                ]
            )
        finally:
            app.close()
        for name, args in QUESTIONS.items():
            result = runner.invoke(cli, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output
            found[name] = result.output
    problems, changed = [], []
    for name, text in found.items():
        recorded = (HERE / NAME / name).read_text(encoding="utf-8")
        if text == recorded:
            continue
        wrong = allowed(recorded.splitlines(), text.splitlines())
        problems += [f"{name}: {w}" for w in wrong]
        changed.append(name)
    if problems:
        sys.exit(
            "golden answers changed beyond the precision, nothing written:\n" + "\n".join(problems)
        )
    for name in changed:
        (HERE / NAME / name).write_text(found[name], encoding="utf-8")
    print(f"updated {', '.join(changed) or 'nothing'}", file=sys.stderr)


if __name__ == "__main__":
    main()
