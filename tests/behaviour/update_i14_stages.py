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

from tests.behaviour.rerecord import rerecord, schemes_rewritten

#: Commands re-recorded whole when they moved.
HELP = {
    ("ballot", "issue", "--help"),
    ("ballot", "--help"),
    ("rectify", "order", "--help"),
    ("rectify", "--help"),
}


REWRITTEN = ("nantong", "soe", "gansu", "dazhou")
NAMING = (*REWRITTEN, "南通", "述评考用", "甘肃", "达州", "scheme_digest")


if __name__ == "__main__":
    rerecord(schemes_rewritten(HELP, REWRITTEN, NAMING))
