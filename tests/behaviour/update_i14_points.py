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

from tests.behaviour.rerecord import Answer, Args, only_lines_naming, rerecord

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


REWRITTEN = ("jilin", "gansu", "soe", "吉林", "甘肃", "述评考用", "catalog", "scheme_digest")


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in CHANGED or (
        args[:2] in {a[:2] for a in LISTS} and only_lines_naming(REWRITTEN, before, now)
    )


if __name__ == "__main__":
    rerecord(meant)
