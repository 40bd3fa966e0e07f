"""Update ``answers.json`` for what issue 14 U2's changes move on purpose — and only that:

- ``scheme show`` now lists a scheme's roll-ups, conversions and consequences (考用结合):
  ``scheme show jilin`` (its conversion to 绩效考评 points and its bonus tiers) moves
  whole, and ``scheme show --help`` names the new parts;
- 南通's scheme gains its six 联系片 as the 工委's 处室 teams (``[[teams]]``): in
  ``scheme list``, ``scheme validate`` and ``cycle status`` only the lines naming it (its
  digest) may move.

``scheme show gansu`` has none of the three and stays byte for byte; the demo spreads its
units over the same six 联系片 as before, so every ranking, export and explain stays too.
Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_show``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import rerecord, schemes_rewritten

WHOLE = {("scheme", "show", "jilin"), ("scheme", "show", "--help")}

if __name__ == "__main__":
    rerecord(schemes_rewritten(WHOLE, ("nantong",), ("nantong", "南通")))
