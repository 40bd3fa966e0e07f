"""Update ``answers.json`` for what ``pdca serve --workers`` changes on purpose — and
only that: ``serve --help`` lists the new option and an example of it. Anything else
that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i15_workers``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

CHANGED = {("serve", "--help")}


if __name__ == "__main__":
    rerecord(in_(CHANGED))
