"""Update ``answers.json`` for what issue 14's items 4, 6, 10 and 12 (sub-stages that
bind, 整改 from 执行, peer review by rater units, 老毛病 scored) change on purpose — and
only that:

- the help of ``ballot issue`` (``--rater-unit``/``--rater-grid``, one more example) and
  of ``rectify order`` and its group (交办 from 执行 on);
- ``scheme show`` of the schemes whose text changed (南通: format 3, ``records``,
  ``raters``; 述评考用: ``records``, 老毛病 ``rule = "carried"``; 甘肃: ``records``,
  ``approver_outside_team``; 达州: a comment on 整改 from 执行), and ``scheme list``,
  ``scheme validate`` and ``cycle status`` only on the lines naming them (their digests).

The stored demo rows pinned the old texts, so every ``explain``, ranking and export stays
byte for byte. Anything else that moved is reported and nothing is written. Run after a
merge: ``python -m tests.behaviour.update_i14_stages``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Commands re-recorded whole when they moved.
HELP = {
    ("ballot", "issue", "--help"),
    ("ballot", "--help"),
    ("rectify", "order", "--help"),
    ("rectify", "--help"),
}
#: Commands whose answer may move only on the lines naming a rewritten scheme.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}


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


REWRITTEN = ("nantong", "soe", "gansu", "dazhou")


def _names_rewritten(line: str) -> bool:
    named = (*REWRITTEN, "南通", "述评考用", "甘肃", "达州", "scheme_digest")
    return any(s in line for s in named)


if __name__ == "__main__":
    main()
