"""Update ``answers.json`` for what issue 14's items 7–9 (results used: conversions,
consequences, rules across years; scheme format 3) change on purpose — and only that:

- ``scheme show`` of the schemes the script shows, where their text grew
  ``[[conversions]]``/``[[consequences]]`` (吉林; 述评考用): their digests and the new keys;
- ``scheme list``, ``scheme validate`` and ``cycle status`` on the lines naming a scheme
  whose text grew (吉林, 述评考用, 南通, 达州 — the last two now format 3): their digests,
  and 达州's count warning as format 3 counts it.

The stored demo rows pinned the old texts and hold no ``ConsequencesRecorded`` event, so
every ``explain``, ranking and export of them stays byte for byte. Anything else that
moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_results``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Re-recorded, and why.
CHANGED = {
    ("scheme", "show", "jilin"): "the text grew conversions and consequences: its digest",
    ("scheme", "show", "jilin", "--json"): "conversions and consequences; the digest",
    ("scheme", "show", "soe"): "the text grew consequences: its digest",
    ("scheme", "show", "soe", "--json"): "consequences; the digest",
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
    """Only lines naming a rewritten scheme (its digest, its warnings) differ."""
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False
    old, new = before["stdout"].splitlines(), now["stdout"].splitlines()
    rest_old = [line for line in old if not _names_rewritten(line)]
    rest_new = [line for line in new if not _names_rewritten(line)]
    return rest_old == rest_new


def _names_rewritten(line: str) -> bool:
    named = (
        "jilin", "soe", "nantong", "dazhou", "吉林", "述评考用", "南通", "达州",
        "catalog", "scheme_digest",
    )  # fmt: skip
    return any(s in line for s in named)


if __name__ == "__main__":
    main()
