"""Update ``answers.json`` for what issue 14's items 1–3 (scored 采分点, a catalogue as deep
as the seed, opinion tables; scheme format 3) change on purpose — and only that:

- ``scheme show`` of the two rewritten schemes the script shows (吉林: its ballot's 19
  采分点; 甘肃: 4 areas → 16 categories → 71 items, its 采分点, no count warning) — their
  digests move with their text;
- ``scheme list`` and ``scheme validate`` where they name the rewritten schemes (吉林, 甘肃,
  述评考用: their digests; 甘肃's warnings, gone), and ``cycle status`` of the cycle the
  script opens on 吉林 after the stored rows (it pins the new text: its digest);
- the help texts of ``score record`` (ITEM.POINT, opinions) and its group.

The stored demo rows pinned the old texts, so every ``explain``, ranking and export
stays byte for byte. Anything else that moved is reported and nothing is written. Run
after a merge: ``python -m tests.behaviour.update_i14_points``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Re-recorded, and why.
CHANGED = {
    ("score", "record", "--help"): "ITEM.POINT for an item's 采分点; VALUE may be an opinion",
    ("scheme", "show", "jilin"): "the ballot's 19 采分点 (format 3); the text's digest",
    ("scheme", "show", "gansu"): "4 areas → 16 categories → 71 items, 采分点, no false warning",
    ("scheme", "show", "jilin", "--json"): "format 3 keys; the ballot items' points; digest",
    ("scheme", "show", "gansu", "--json"): "format 3 keys; the 71 items; digest; no warning",
}
#: Commands whose answer may move only on the lines naming a rewritten scheme or its digest.
LISTS = {("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}


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
        if args in CHANGED or args[:2] in {a[:2] for a in LISTS} and _only_schemes(before, now):
            changed.append(" ".join(args))
            recorded[i] = now
        else:
            moved.append(" ".join(args))
    if moved:
        sys.exit(f"answers changed beyond what this change meant, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("re-recorded:", *changed, sep="\n  ")


def _only_schemes(before: dict, now: dict) -> bool:
    """Only lines naming jilin or gansu (their digests, their warnings) differ."""
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False
    old, new = before["stdout"].splitlines(), now["stdout"].splitlines()
    rest_old = [line for line in old if not _names_rewritten(line)]
    rest_new = [line for line in new if not _names_rewritten(line)]
    return rest_old == rest_new


def _names_rewritten(line: str) -> bool:
    named = ("jilin", "gansu", "soe", "吉林", "甘肃", "述评考用", "catalog", "scheme_digest")
    return any(s in line for s in named)


if __name__ == "__main__":
    main()
