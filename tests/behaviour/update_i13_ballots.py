"""Update ``answers.json`` for the displays issue 13's item 7 ("ballots that cannot be
traced") changes on purpose — and only those.

Run by that change, and again after merges (``python -m tests.behaviour.update_i13_ballots``).
Every answer now printed is either recorded already, byte for byte; or one of ``CHANGED``
(re-recorded, with the reason); or one of ``ADDED`` (a new command's help). Anything else
that moved is reported and nothing is written.
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

#: Re-recorded, and why.
CHANGED = {
    ("--help",): "the ballot group's line names the box and its closing",
    ("ballot", "--help"): "the new close command; cast goes into the box",
    ("ballot", "cast", "--help"): "into the box, counted on close; a 140-bit token in the example",
    ("ballot", "import", "--help"): "one event naming the clerk, ballots shuffled; new token",
    ("ballot", "issue", "--help"): "salted digests, stored sorted",
    ("role", "list"): "the role table has a row for pdca ballot close",
}
#: New answers: the new command's help.
ADDED = {("ballot", "close", "--help")}


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=lambda args: args in ADDED)
