"""Write the golden history: the stored rows of a whole finalised 吉林 round, and what
``pdca ranking``, ``explain``, ``history`` and ``verify`` answered about it then.

Run once, by the code of the day, and commit: ``python -m tests.golden.make_golden``.
Never regenerate an existing golden file — it is old history on purpose, and
``tests/integration/test_golden.py`` replays it on every change so that no change can
silently break histories already written. A new storage format gets a new file.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from pdca_cli import cli

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests._round import ACTOR, record_round

HERE = Path(__file__).parent
NAME = "jilin-2024"
#: The questions asked of the history; the answers are stored beside it.
QUESTIONS = {
    "ranking.json": ["ranking", "2024", "--json"],
    "explain-jia.json": ["explain", "甲局/2024", "--json"],
    "explain-jia.txt": ["explain", "甲局/2024"],
    "explain-yi.json": ["explain", "乙局/2024", "--json"],
    "history-jia.json": ["history", "甲局/2024", "--json"],
    "history-yi.json": ["history", "乙局/2024", "--json"],
    "verify.json": ["verify", "--json"],
}


def dump_rows(app: PdcaApplication) -> list[dict[str, object]]:
    rows = app.recorder.select_notifications(start=1, limit=1_000_000)
    return [
        {
            "originator_id": str(r.originator_id),
            "originator_version": r.originator_version,
            "topic": r.topic,
            "state": bytes(r.state).decode("utf-8"),
        }
        for r in rows
    ]


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        env = {"PDCA_WORKSPACE": str(root), "PDCA_ACTOR": ACTOR, "PDCA_DB": ""}
        runner = CliRunner()
        assert runner.invoke(cli, ["init", str(root)], env=env).exit_code == 0
        app = PdcaApplication(open_workspace(str(root), None))
        try:
            record_round(app)
            rows = dump_rows(app)
        finally:
            app.close()
        lines = [json.dumps(r, ensure_ascii=False) for r in rows]
        (target / f"{NAME}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for name, args in QUESTIONS.items():
            result = runner.invoke(cli, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output
            (target / NAME / name).parent.mkdir(exist_ok=True)
            (target / NAME / name).write_text(result.output, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
