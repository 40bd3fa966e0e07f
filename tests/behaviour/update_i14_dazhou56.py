"""Update ``answers.json`` for what issue 14's 达州 56 指标 change on purpose — and only that:

- ``workflows/dazhou.toml``: the 党建履职指数's 17 items recorded by their 56 指标 (采分点),
  the two indices as catalogue areas with the seed's counts; ``scheme show dazhou`` whole,
  and ``scheme list``, ``scheme validate`` and ``cycle status`` only on the lines naming
  达州 or its digest;
- the JSON of ``scheme show`` of an area-holding scheme (甘肃): each area now says how many
  采分点 its items hold and how many the source declares (``points``, ``declared_points``).

The behaviour record replays the STORED demo rows (which pinned the old texts), never a
new demo run, so every ``explain``, ranking and export stays byte for byte. Anything else
that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_dazhou56``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import rerecord, schemes_rewritten

#: Re-recorded whole when they moved: an area's 采分点 counts in the JSON.
WHOLE = {("scheme", "show", "gansu", "--json")}
REWRITTEN = ("dazhou",)
NAMING = (*REWRITTEN, "达州", "scheme_digest")


if __name__ == "__main__":
    rerecord(schemes_rewritten(WHOLE, REWRITTEN, NAMING))
