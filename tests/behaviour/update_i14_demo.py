"""Update ``answers.json`` for what issue 14 items 11 and 13 (the seeds' teams, a demo of
all five schemes) change on purpose — and only that:

- the help of ``account team`` (``--scheme``, one more example);
- ``scheme show`` of 吉林 and 甘肃 (their text gained ``[[teams]]``), and ``scheme list``,
  ``scheme validate`` and ``cycle status`` only on the lines naming them (their digests).

The behaviour record replays the STORED demo rows (which pinned the old texts), never a
new demo run, so every ``explain``, ranking and export stays byte for byte. Anything else
that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_demo``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Commands re-recorded whole when they moved.
HELP = {("account", "team", "--help")}
#: Commands whose answer may move only on the lines naming a rewritten scheme.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}
REWRITTEN = ("jilin", "gansu")


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    moved, changed = [], []
    for i, (now, before) in enumerate(zip(found, recorded, strict=True)):
        if now == before:
            continue
        args = tuple(now["args"])
        if args in HELP or (args[:2] in LISTS and _only_schemes(args, before, now)):
            changed.append(" ".join(args))
            recorded[i] = now
        else:
            moved.append(" ".join(args))
    if moved:
        sys.exit(f"answers changed beyond what this change meant, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("re-recorded:", *changed, sep="\n  ")


def _only_schemes(args: tuple[str, ...], before: dict, now: dict) -> bool:
    """``scheme show`` of a rewritten scheme whole; elsewhere only lines naming one."""
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False
    if args[:2] == ("scheme", "show"):
        return len(args) > 2 and args[2] in REWRITTEN
    old, new = before["stdout"].splitlines(), now["stdout"].splitlines()
    rest_old = [line for line in old if not _names_rewritten(line)]
    rest_new = [line for line in new if not _names_rewritten(line)]
    return rest_old == rest_new


def _names_rewritten(line: str) -> bool:
    named = (*REWRITTEN, "吉林", "甘肃", "scheme_digest")
    return any(s in line for s in named)


if __name__ == "__main__":
    main()
