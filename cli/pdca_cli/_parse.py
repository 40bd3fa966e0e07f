"""Turning command-line text into values, with refusals in the domain's words."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pdca.errors import RuleViolation

if TYPE_CHECKING:
    from pdca.application.clock import Clock

F = TypeVar("F", bound=Callable[..., Any])


class Day(click.DateTime):
    """click's ``DateTime(["%Y-%m-%d"])`` (its help and its refusals), but an ordinary
    ``2024-12-31`` is read without ``datetime.strptime``, whose first use imports
    ``_strptime``, ``calendar`` and ``locale`` (a few per cent of a write's start-up).
    Anything else — another spelling, full-width digits, a day that does not exist —
    goes to click exactly as before."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
            digits = value[:4] + value[5:7] + value[8:]
            if digits.isascii() and digits.isdigit():
                with contextlib.suppress(ValueError):
                    return datetime(int(value[:4]), int(value[5:7]), int(value[8:]))
        return super().convert(value, param, ctx)


def parse_date(text: str, what: str = "日期") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RuleViolation(f"{what} '{text}' 格式不对；应为 YYYY-MM-DD，例如 2024-05-12") from None


def today_option(help: str) -> Callable[[F], F]:
    """``--today``, declared once; each command says in its help what the day decides.
    The value stays text until ``parse_today``: a request id's digest covers the text given."""
    return click.option("--today", "today", help=help)


def parse_today(text: str | None) -> date:
    """``--today`` as a date: when not given, today in the database's time zone (not the
    machine's: a supervisor in Urumqi and a server in UTC act on the same day)."""
    return parse_date(text, "--today") if text else _clock().today()


def parse_moment(text: str) -> datetime:
    """A moment typed by a user (``--as-of``), read by the database's clock: without an
    offset it is in the database's zone; a date alone means the end of that day."""
    return _clock().moment(text)


def _clock() -> Clock:
    """The running command's database clock (its zone is the database's, stored at init)."""
    from pdca_cli._context import CliContext

    return click.get_current_context().ensure_object(CliContext).app().clock


def parse_decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise RuleViolation(f"{what} '{text}' 不是数值；应为如 2、-0.5、87.5 的小数") from None
    if not value.is_finite():
        raise RuleViolation(f"{what} '{text}' 不是有限数值")
    return value


def parse_scores(pairs: tuple[str, ...] | list[str]) -> dict[str, Decimal]:
    scores: dict[str, Decimal] = {}
    for pair in pairs:
        item, sep, value = pair.partition("=")
        if not sep or not item.strip():
            raise RuleViolation(f"'{pair}' 格式不对；测评分数应写成 项目=分数，例如 duty=18")
        if item.strip() in scores:
            raise RuleViolation(f"测评项目 {item.strip()} 填了两次")
        scores[item.strip()] = parse_decimal(value, f"测评项目 {item.strip()} 的分数")
    return scores
