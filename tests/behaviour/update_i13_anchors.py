"""Update ``answers.json`` for the displays issue 13's item 5 (anchors outside the
database) changes on purpose — and only those entries.

Run after that change and after every merge of main into it
(``python -m tests.behaviour.update_i13_anchors``); it refuses to write if any other
answer moved. The entries, and why:

- ``--help``: the new ``anchor`` group, and ``verify``'s summary names ``--anchors``;
  ``anchor --help``, ``anchor sign --help``, ``anchor keygen --help``: new.
- ``verify --help``: ``--anchors``, ``--keyring`` and ``--code``.
- ``export --help``: the 校验码 it gives; ``round finalize --help``: the anchor it takes.
- ``role list``: the role table's new ``pdca anchor`` row.
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

CHANGED = {
    ("--help",),
    ("anchor", "--help"),
    ("anchor", "keygen", "--help"),
    ("anchor", "sign", "--help"),
    ("verify", "--help"),
    ("export", "--help"),
    ("round", "finalize", "--help"),
    ("role", "list"),
}


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=lambda args: args in CHANGED)
