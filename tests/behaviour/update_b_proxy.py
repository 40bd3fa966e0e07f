"""Update ``answers.json`` for what ``pdca serve --proxy`` changes on purpose — and only
that: ``serve --help`` lists the new option (the proxy whose X-Forwarded-For names the
client address that logins and ballot links are throttled by). Anything else that moved
is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_b_proxy``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

CHANGED = {("serve", "--help")}


if __name__ == "__main__":
    rerecord(in_(CHANGED))
