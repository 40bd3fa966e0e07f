"""A ballot CSV as the committee's spreadsheet writes it: a ``token`` column and one
column per ballot item (``token,duty,report,…``), one row per ballot.

Which items a cycle's ballot has is the scheme's business: ``import_ballots`` checks
the columns before any value, so a file with an unknown or a missing column is refused
naming the columns, not ballot by ballot; the cells are read as numbers after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from pdca.application import input_files as inputs
from pdca.errors import RuleViolation

TOKEN = "token"


@dataclass(frozen=True)
class BallotFile:
    label: str
    items: tuple[str, ...]  # the columns other than the token, in the file's order
    rows: tuple[tuple[int, str, tuple[str, ...]], ...]  # line, token, one value per item

    def ballots(self) -> list[tuple[str, dict[str, Decimal]]]:
        """The ballots, each cell a number or refused naming its line and item. Called
        once the columns are known right, so a wrong column is told as a column."""
        return [
            (
                token,
                {
                    item: _number(value, f"{self.label} 第 {line} 行测评项目 {item} 的分数")
                    for item, value in zip(self.items, values, strict=True)
                },
            )
            for line, token, values in self.rows
        ]


def _number(text: str, what: str) -> Decimal:
    """A cell of the file as a decimal, as ``ballot cast`` reads ``duty=18``."""
    from pdca.application.inputs import decimal

    return decimal(text, what)


def read_ballots(name: str, stdin: BinaryIO) -> BallotFile:
    """The ballot file ``name`` (``-``: standard input), its columns checked for form."""
    label = inputs.source_label(name)
    table = inputs.read_csv(inputs.decode_text(inputs.read_bytes(name, stdin), label), label)
    if TOKEN not in table.header:
        raise RuleViolation(f"{label} 不是测评票 CSV：首行应为 token,项目1,项目2,…")
    at = table.header.index(TOKEN)
    items = table.header[:at] + table.header[at + 1 :]
    rows = tuple((line, f[at], f[:at] + f[at + 1 :]) for line, f in table.rows)
    return BallotFile(label, items, rows)
