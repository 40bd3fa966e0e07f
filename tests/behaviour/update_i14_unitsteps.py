"""Update ``answers.json`` for what issue 14's item 5 (the unit's own steps) changes on
purpose — and only that:

- ``--help``: the new ``step`` and ``appeal`` groups; their commands' ``--help`` are new;
- ``role list``: the table of commands gains ``step record``/``review`` and ``appeal
  lodge``/``decide``;
- ``scheme show`` of the schemes that gained ``[[unit_steps]]`` (吉林, 甘肃, 南通,
  述评考用) whole, and ``scheme list``, ``scheme validate`` and ``cycle status`` only on
  the lines naming them (their digests).

The stored demo rows pinned the old texts, so every ``explain``, ``history``, ranking
and export stays byte for byte. Anything else that moved is reported and nothing is
written. Run after a merge: ``python -m tests.behaviour.update_i14_unitsteps``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Commands re-recorded whole when they moved.
WHOLE = {("--help",), ("role", "list")}
#: Commands whose answer may move only on the lines naming a scheme with unit steps.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}
WITH_STEPS = ("jilin", "gansu", "nantong", "soe")


def _new(args: tuple[str, ...]) -> bool:
    return args[0] in ("step", "appeal") and args[-1] == "--help"


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    known = {tuple(a["args"]) for a in recorded}
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    then = iter(recorded)  # matched in order (the script repeats some commands)
    updated, changed, moved = [], [], []
    for now in found:
        args = tuple(now["args"])
        if args not in known:
            (changed if _new(args) else moved).append(" ".join(args))
            updated.append(now)
            continue
        before = next(then)
        assert before["args"] == now["args"], (before["args"], now["args"])
        if before == now:
            updated.append(before)
        elif args in WHOLE or (args[:2] in LISTS and _only_schemes(args, before, now)):
            changed.append(" ".join(args))
            updated.append(now)
        else:
            moved.append(" ".join(args))
            updated.append(before)
    if moved or next(then, None) is not None:
        sys.exit(f"answers changed beyond what this change meant, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("re-recorded:", *changed, sep="\n  ")


def _only_schemes(args: tuple[str, ...], before: dict, now: dict) -> bool:
    """``scheme show`` of a scheme with steps whole; elsewhere only lines naming one."""
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False
    if args[:2] == ("scheme", "show"):
        return len(args) > 2 and args[2] in WITH_STEPS
    old, new = before["stdout"].splitlines(), now["stdout"].splitlines()
    rest_old = [line for line in old if not _names_one(line)]
    rest_new = [line for line in new if not _names_one(line)]
    return rest_old == rest_new


def _names_one(line: str) -> bool:
    named = (*WITH_STEPS, "吉林", "甘肃", "南通", "述评考用", "scheme_digest", "digest")
    return any(s in line for s in named)


if __name__ == "__main__":
    main()
