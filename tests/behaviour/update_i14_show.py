"""Update ``answers.json`` for what issue 14 U2's ``scheme show`` change moves on purpose —
and only that: ``scheme show`` now lists a scheme's roll-ups, conversions and consequences
(考用结合), so

- ``scheme show jilin`` (its conversion to 绩效考评 points and its bonus tiers) moves whole;
- ``scheme show --help`` names the new parts.

``scheme show gansu`` has none of them and stays byte for byte, as does every other
answer. Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_show``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

MEANT = {("scheme", "show", "jilin"), ("scheme", "show", "--help")}

if __name__ == "__main__":
    rerecord(in_(MEANT))
