"""Update ``answers.json`` for what issue 15's ``service`` group role (helper V3) changes
on purpose — and only that: ``init --help`` names five group roles (writer, reader,
admin, worker, service) where it named four.

Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i15_rest``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, rerecord

WHOLE = {("init", "--help")}


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in WHOLE


if __name__ == "__main__":
    rerecord(meant)
