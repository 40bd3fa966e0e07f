"""Issue 12, item 3 (local time): the one change of display made on purpose to the recorded
answers — every time shown is now in the database's zone (Asia/Shanghai for these
databases: made before zones were recorded) with its offset.

Run once, by the change that made it (``python -m tests.behaviour.localise_times``).
It never re-records an answer: it rewrites the recorded text, instant by instant —

- an ISO instant in UTC (``2026-11-27T15:03:56.001632+00:00``, in JSON, CSV and the
  like) becomes the same instant in Asia/Shanghai (``2026-11-27T23:03:56.001632+08:00``);
- a table's instant (``2026-11-27 15:03:56``, UTC without saying so) becomes the same
  instant with its offset (``2026-11-27 23:03:56+08:00``): six characters wider, so the
  ``记录时间`` column's header and rule widen by six as well;
- ``explain --as-of``'s refusal names its moment as tables do, in the zone;

and ``init --help`` (the new ``--time-zone``) and ``explain --help`` (what ``--as-of``
means now) take the help the code prints. Every other answer, and every line without a
time, stays byte for byte as recorded; the golden answers of ``tests/golden/jilin-2024``
get the same instant-for-instant rewrite (``localise_golden``).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
ANSWERS = HERE / "answers.json"
GOLDEN = HERE.parent / "golden" / "jilin-2024"
ZONE = ZoneInfo("Asia/Shanghai")

ISO_UTC = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?)\+00:00", re.ASCII)
TABLE_UTC = re.compile(r"(?<![\d:T-])(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?![\d:.+])", re.ASCII)
#: The entries whose help changed with the option's meaning (taken as the code prints it).
HELP_CHANGED = (["init", "--help"], ["explain", "--help"])
#: The answers that print instants as tables do (a history table, an explain tree).
TABLE_TIMES = (["history"], ["explain"])
WIDER = len("+08:00")


def _iso(match: re.Match[str]) -> str:
    return datetime.fromisoformat(match[1] + "+00:00").astimezone(ZONE).isoformat()


def _shown(match: re.Match[str]) -> str:
    moment = datetime.fromisoformat(match[1] + "+00:00").astimezone(ZONE)
    return moment.isoformat(sep=" ", timespec="seconds")


def localise_iso(text: str) -> str:
    return ISO_UTC.sub(_iso, text)


def localise_table(text: str) -> str:
    """Instants as tables show them, and the 记录时间 column widened to hold them. Text
    already rewritten is left as it is (the script can run again after a merge)."""
    text, count = TABLE_UTC.subn(_shown, text)
    if not count:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        header = re.match(r"(序号 +)(记录时间 +)(.*)", line)
        if header is None:
            continue
        lines[i] = header[1] + header[2] + " " * WIDER + header[3]
        rule = lines[i + 1].split("  ")
        rule[1] += "-" * WIDER
        lines[i + 1] = "  ".join(rule)
    return "\n".join(lines)


def localise_refusal(text: str) -> str:
    """``explain --as-of``'s refusal: its moment as a table shows it, in the zone."""
    return re.sub(
        r"Error: (\S+) 时周期",
        lambda m: (
            "Error: "
            + datetime.fromisoformat(m[1]).astimezone(ZONE).isoformat(sep=" ", timespec="seconds")
            + " 时周期"
        ),
        text,
    )


def localise(entry: dict[str, object]) -> dict[str, object]:
    args = entry["args"]
    assert isinstance(args, list)
    out = dict(entry)
    for key in ("stdout", "stderr"):
        text = str(entry[key])
        if args[0] == "explain" and "--as-of" in args:
            text = localise_refusal(text)
        if args[:1] in TABLE_TIMES and "--json" not in args:
            text = localise_table(text)
        out[key] = localise_iso(text)
    return out


def localise_answers() -> list[str]:
    """Rewrite answers.json; the arguments of every entry changed."""
    import tempfile

    from tests.behaviour.record import answers, fresh_workspace
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        runs = answers(cli, fresh_workspace(cli, Path(tmp)))
    helps = {tuple(a["args"]): a for a in runs if a["args"] in HELP_CHANGED}
    changed, rewritten = [], []
    for entry in recorded:
        new = helps.get(tuple(entry["args"])) or localise(entry)
        if new != entry:
            changed.append(" ".join(entry["args"]))
        rewritten.append(new)
    ANSWERS.write_text(json.dumps(rewritten, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return changed


def localise_golden() -> list[str]:
    """Rewrite the golden answers' instants (the stored rows are never touched)."""
    changed = []
    for path in sorted(GOLDEN.iterdir()):
        text = path.read_text(encoding="utf-8")
        new = localise_table(text) if path.suffix == ".txt" else text
        new = localise_iso(new)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path.name)
    return changed


def main() -> None:
    print("answers.json:", "; ".join(localise_answers()), file=sys.stderr)
    print("golden:", "; ".join(localise_golden()), file=sys.stderr)


if __name__ == "__main__":
    main()
