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

from tests.behaviour.rerecord import Answer, Args, only_lines_naming, rerecord

#: Re-recorded, and why.
CHANGED = {
    ("scheme", "show", "jilin"): "the text grew conversions and consequences: its digest",
    ("scheme", "show", "jilin", "--json"): "conversions and consequences; the digest",
    ("scheme", "show", "soe"): "the text grew consequences: its digest",
    ("scheme", "show", "soe", "--json"): "consequences; the digest",
}
#: Commands whose answer may move only on the lines naming a rewritten scheme or its digest.
LISTS = {("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}


REWRITTEN = (
    "jilin", "soe", "nantong", "dazhou", "吉林", "述评考用", "南通", "达州",
    "catalog", "scheme_digest",
)  # fmt: skip


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in CHANGED or (
        args[:2] in {a[:2] for a in LISTS} and only_lines_naming(REWRITTEN, before, now)
    )


if __name__ == "__main__":
    rerecord(meant)
