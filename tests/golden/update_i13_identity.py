"""Update the golden answers (``tests/golden/jilin-2024/``) for issue 13's actor model —
and only those lines. The stored rows are never touched.

Run by that change (``python -m tests.golden.update_i13_identity``; it can run again
after a merge). ``history --json`` gains, after each entry's ``"actor": "X",`` line,
``"principal": "X",`` (the same name: these events are older than principals, so their
actor connected as themselves) and ``"assurance": "declared",``. Any other change is
reported and nothing is written.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from uuid import UUID

from click.testing import CliRunner
from eventsourcing.persistence import StoredEvent

from tests.golden.make_golden import HERE, NAME, QUESTIONS


def expected(old: str) -> str:
    """``old`` with the two lines this update adds after every actor line."""
    lines = []
    for line in old.splitlines(keepends=True):
        lines.append(line)
        stripped = line.strip()
        if stripped.startswith('"actor": ') and stripped.endswith(","):
            indent = line[: len(line) - len(line.lstrip())]
            name = json.loads(stripped[len('"actor": ') : -1])
            lines.append(f"{indent}{json.dumps({'principal': name}, ensure_ascii=False)[1:-1]},\n")
            lines.append(f'{indent}"assurance": "declared",\n')
    return "".join(lines)


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
        if not name.startswith("history-") or text != expected(recorded):
            problems.append(name)
        changed.append(name)
    if problems:
        sys.exit(f"golden answers changed beyond principal/assurance, nothing written: {problems}")
    for name in changed:
        (HERE / NAME / name).write_text(found[name], encoding="utf-8")
    print(f"updated {', '.join(changed) or 'nothing'}", file=sys.stderr)


if __name__ == "__main__":
    main()
