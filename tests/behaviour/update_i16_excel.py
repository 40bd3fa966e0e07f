"""Update ``answers.json`` for what issue 16 items 2–5 (Excel templates and import, the
细则 import, the 通报 docx) change on purpose — and only that:

- ``pdca --help`` lists the two new commands ``template`` and ``import``;
- ``scheme --help`` lists ``scheme import``; ``export --help`` gains the ``notice`` kind
  and its options (发文机关, 发文字号, fonts, ``--per-unit``);
- ``role list`` shows the role table's new row, ``pdca import``;
- the help of the three new commands is added.

Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i16_excel``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, rerecord

#: Re-recorded, and why.
CHANGED = {
    ("--help",): "the new commands template and import",
    ("scheme", "--help"): "the new sub-command scheme import",
    ("export", "--help"): "the notice kind and its options",
    ("role", "list"): "the role table's new row: pdca import",
}
ADDED = {("template", "--help"), ("import", "--help"), ("scheme", "import", "--help")}


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in CHANGED


if __name__ == "__main__":
    rerecord(meant, added=lambda args: args in ADDED)
