"""Update ``answers.json`` for what issue 14 items 11 and 13 (the seeds' teams, a demo of
all five schemes) change on purpose — and only that:

- the help of ``account team`` (``--scheme``, one more example);
- ``scheme show`` of 吉林 and 甘肃 (their text gained ``[[teams]]``, shown as a 督查组
  table), and ``scheme list``, ``scheme validate`` and ``cycle status`` only on the lines
  naming them (their digests).

The behaviour record replays the STORED demo rows (which pinned the old texts), never a
new demo run, so every ``explain``, ranking and export stays byte for byte. Anything else
that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_demo``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import rerecord, schemes_rewritten

#: Commands re-recorded whole when they moved.
HELP = {("account", "team", "--help")}
REWRITTEN = ("jilin", "gansu")
NAMING = (*REWRITTEN, "吉林", "甘肃", "scheme_digest")


if __name__ == "__main__":
    rerecord(schemes_rewritten(HELP, REWRITTEN, NAMING))
