"""Issue 12 item 5 changes four ``--help`` texts on purpose (``-`` for standard input or
output, the encodings a ballot file may have, exports writing only regular files). This
updates exactly those four entries of ``answers.json`` — their ``stdout``, nothing else —
and leaves every other entry as recorded. Run once: ``python -m tests.behaviour.update_input_help``.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.behaviour.record import ANSWERS
from tests.conftest import cli

CHANGED = (
    ["ballot", "import", "--help"],
    ["export", "--help"],
    ["report", "--help"],
    ["scheme", "validate", "--help"],
)


def main() -> None:
    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    runner = CliRunner()
    for entry in recorded:
        if entry["args"] not in CHANGED:
            continue
        result = runner.invoke(
            cli, entry["args"], env={"COLUMNS": "100"}, catch_exceptions=False, prog_name="pdca"
        )
        assert result.exit_code == entry["exit_code"] == 0 and not result.stderr
        entry["stdout"] = result.stdout
    ANSWERS.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
