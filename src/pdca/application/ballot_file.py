"""A ballot CSV as the committee's spreadsheet writes it: a ``token`` column and one
column per ballot item (``token,duty,report,…``), one row per ballot.

Which items a cycle's ballot has is the scheme's business: ``cast_ballots`` checks the
columns (``columns=``) before any ballot, so a file with an unknown or a missing column
is refused naming the columns, not ballot by ballot.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from pdca.application import inputs
from pdca.errors import RuleViolation

TOKEN = "token"


@dataclass(frozen=True)
class BallotFile:
    label: str
    items: tuple[str, ...]  # the columns other than the token, in the file's order
    ballots: list[tuple[str, dict[str, Decimal]]]


def read_ballots(name: str, stdin: BinaryIO) -> BallotFile:
    """The ballots of file ``name`` (``-``: standard input)."""
    from pdca.application.recording import parse_decimal

    label = inputs.source_label(name)
    table = inputs.read_csv(inputs.decode_text(inputs.read_bytes(name, stdin), label), label)
    if TOKEN not in table.header:
        raise RuleViolation(f"{label} 不是测评票 CSV：首行应为 token,项目1,项目2,…")
    at = table.header.index(TOKEN)
    items = table.header[:at] + table.header[at + 1 :]
    ballots = []
    for line, fields in table.rows:
        values = fields[:at] + fields[at + 1 :]
        ballots.append(
            (
                fields[at],
                {
                    item: parse_decimal(value, f"{label} 第 {line} 行测评项目 {item} 的分数")
                    for item, value in zip(items, values, strict=True)
                },
            )
        )
    return BallotFile(label, items, ballots)
