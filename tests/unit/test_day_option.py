"""``--deadline``'s type reads an ordinary day without ``strptime`` and answers everything
else exactly as click's ``DateTime(["%Y-%m-%d"])`` does."""

from __future__ import annotations

from datetime import datetime

import click
import pytest
from pdca_cli._parse import Day

CASES = [
    "2024-12-31",
    "2024-01-05",
    "2024-1-5",  # strptime accepts one digit
    "２０２４-12-31",  # and full-width digits (its \\d is Unicode)
    "2024-02-29",
    "2023-02-29",  # no such day
    "2024-13-01",
    "0000-01-01",
    "2024-12-31T",
    " 2024-12-31",
    "2024/12/31",
    "x",
    "",
]


def _answer(kind: click.ParamType, text: str) -> object:
    try:
        return kind.convert(text, None, None)
    except click.BadParameter as refused:
        return ("refused", refused.format_message())


@pytest.mark.parametrize("text", CASES)
def test_a_day_reads_as_clicks_datetime_reads_it(text: str) -> None:
    assert _answer(Day(), text) == _answer(click.DateTime(["%Y-%m-%d"]), text)


def test_the_ordinary_day_is_read_and_the_impossible_one_refused() -> None:
    assert Day().convert("2024-12-31", None, None) == datetime(2024, 12, 31)
    assert _answer(Day(), "2023-02-29")[0] == "refused"  # type: ignore[index]
    assert Day().get_metavar(click.Option(["--deadline"]), click.Context(click.Command("x"))) == (
        click.DateTime(["%Y-%m-%d"]).get_metavar(
            click.Option(["--deadline"]), click.Context(click.Command("x"))
        )
    )
