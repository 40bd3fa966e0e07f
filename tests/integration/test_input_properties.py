"""Property-based tests (hypothesis) of what people type and hand over: names, periods,
cycle addresses and ballot CSVs, each through the CLI (in-process ``CliRunner``).

Every input is either accepted (exit 0, and what was stored obeys the rules) or refused:
one ``Error:`` line, a user-error exit code (1 refused, 3 not found, 4 conflict) and not
one event written. A traceback, any other exception, any other exit code — including
the one a catch-all for internal errors would give — fails the test.

A fixed seed (``derandomize=True``) and a bounded number of examples per property keep
the run reproducible and the file under a minute. ``-s`` prints how many inputs each
property tried and how many were accepted.
"""

from __future__ import annotations

import json
import re
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pdca_cli import cli

from tests.conftest import Workspace

USER_ERRORS = {1: "refused", 3: "not found", 4: "conflict"}
# What the brief calls invisible: control, bidi controls, zero-width; and what the
# command line turns undecodable bytes into (lone surrogates).
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
ASCII_PERIOD = re.compile(r"(19|20)[0-9]{2}(-(H[12]|Q[1-4]))?")
ITEMS = ("duty", "report", "answers", "daily_work", "rectification")  # jilin's ballot


def run(ws: Workspace, args: list[str], tally: Counter[str], data: bytes | None = None) -> bool:
    """Run one command; True when accepted. Fails on anything but accept or refuse."""
    before = ws.event_count()
    result = ws.runner.invoke(cli, args, env=ws.env, input=data, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"{args!r} raised instead of refusing:\n{trace}")
    assert "Traceback" not in result.output, (args, result.output)
    tally["tried"] += 1
    if result.exit_code == 0:
        tally["accepted"] += 1
        return True
    assert result.exit_code in USER_ERRORS, (args, result.exit_code, result.output)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, (args, result.output)
    if "--json" in args:  # a refusal under --json is one JSON line with the same words
        refusal = json.loads(lines[0])
        assert refusal["error"] and refusal["exit_code"] == result.exit_code, (args, lines)
    else:
        assert lines[0].startswith("错误："), (args, result.output)
    assert ws.event_count() == before, (args, result.output)
    tally[USER_ERRORS[result.exit_code]] += 1
    return False


def visible(name: str) -> bool:
    return all(unicodedata.category(ch) not in REFUSED_CATEGORIES for ch in name)


def report(title: str, tally: Counter[str]) -> None:
    print(f"\n{title}: {dict(tally)}")
    assert tally["tried"] and tally["accepted"] and tally["tried"] > tally["accepted"]


def property_of(examples: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return settings(derandomize=True, max_examples=examples, deadline=None, database=None)


# ---- strategies --------------------------------------------------------------------------------

ODD = [
    "\n", "\t", "\r", "\x07", "\x00", "\x1b", "\x7f", "\x85", "\u00a0", "\u00ad",
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a",
    "\u202e", "\u2060", "\u2066", "\u2069", "\u061c", "\ufeff", "\u3000", "\udc80",
    "\u0301", "\ue000", "\U00020000", "/", " ",
]  # fmt: skip
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NAME_CHARS = st.one_of(CJK, st.characters(codec="utf-8"), st.sampled_from(ODD))
NAMES = st.one_of(
    st.text(NAME_CHARS, max_size=12),
    st.text(CJK, min_size=195, max_size=205),  # around the 200 the columns hold
    st.builds(lambda a, odd, b: a + odd + b, st.text(CJK, max_size=4), st.sampled_from(ODD),
              st.text(CJK, max_size=4)),
)  # fmt: skip
DIGITS = st.characters(categories=["Nd"])  # every script's digits, ASCII among them
PERIODS = st.one_of(
    st.builds(
        lambda y, rest: y + rest,
        st.one_of(st.sampled_from(["2024", "2025", "1999", "2100", "20２４", "٢٠٢٤"]),
                  st.text(DIGITS, min_size=4, max_size=4)),
        st.sampled_from(["", "-H1", "-H2", "-H3", "-Q1", "-Q4", "-Q5", "-q1", "-Ｑ1", "-H１", " ",
                         "\n", "\u200b", "-"]),
    ),
    st.text(max_size=10),
)  # fmt: skip


# ---- names -------------------------------------------------------------------------------------


def test_names_are_accepted_clean_or_refused_in_one_line(workspace: Workspace) -> None:
    """On both databases: PostgreSQL is where a name longer than its column broke every
    read model; afterwards every read of the units still works."""
    ws = workspace
    tally: Counter[str] = Counter()

    @property_of(150 if ws.backend == "sqlite" else 80)
    @given(name=NAMES, grid=st.one_of(st.none(), NAMES))
    def one(name: str, grid: str | None) -> None:
        args = ["unit", "add", "--category", "党政机关"] + (["--grid", grid] if grid else [])
        if run(ws, [*args, "--", name], tally):
            stored = unicodedata.normalize("NFC", name).strip()
            assert visible(stored) and 0 < len(stored) <= 200, repr(name)

    one()
    report(f"names ({ws.backend})", tally)
    units = json.loads(ws.ok("unit", "list", "--json").stdout)
    assert len(units) == tally["accepted"]
    for unit in units:
        assert visible(unit["unit"]) and len(unit["unit"]) <= 200
        assert unit["grid"] is None or (visible(unit["grid"]) and len(unit["grid"]) <= 100)
    ws.ok("cycle", "list")
    ws.ok("ranking", "2024")


# ---- periods and addresses ---------------------------------------------------------------------


def test_periods_are_ascii_or_refused_in_one_line(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲单位", "--category", "党政机关")
    tally: Counter[str] = Counter()

    @property_of(120)
    @given(period=PERIODS)
    def one(period: str) -> None:
        if run(ws, ["cycle", "open", "--scheme", "jilin", "--", "甲单位", period], tally):
            assert ASCII_PERIOD.fullmatch(period.strip()), repr(period)

    one()
    report("periods", tally)
    periods = [c["period"] for c in json.loads(ws.ok("cycle", "list", "--json").stdout)]
    assert all(ASCII_PERIOD.fullmatch(p) for p in periods) and len(set(periods)) == len(periods)


ADDRESSES = st.one_of(
    st.builds(lambda u, p: f"{u}/{p}", st.one_of(st.just("甲单位"), NAMES), PERIODS),
    st.builds(lambda u, p: f"{u}/{p}", st.sampled_from(["甲单位", " 甲单位 ", "甲单位\u200b"]),
              st.sampled_from(["2024", "2024 ", "20２４", "2024/2024", ""])),
    st.text(max_size=12),
)  # fmt: skip


def test_addresses_find_a_cycle_or_are_refused_in_one_line(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "甲单位", "--category", "党政机关")
    ws.ok("cycle", "open", "甲单位", "2024", "--scheme", "jilin")
    tally: Counter[str] = Counter()

    @property_of(150)
    @given(address=ADDRESSES, write=st.booleans())
    def one(address: str, write: bool) -> None:
        if write:
            args = ["task", "add", "--deadline", "2024-06-30", "--", address, "任务"]
        else:
            args = ["cycle", "status", "--json", "--", address]
        if run(ws, args, tally):
            unit, _, period = address.strip().rpartition("/")
            assert unicodedata.normalize("NFC", unit).strip() == "甲单位", repr(address)
            assert period.strip() == "2024", repr(address)

    one()
    report("addresses", tally)


# ---- ballot CSVs -------------------------------------------------------------------------------

COLUMNS = st.lists(
    st.sampled_from(["token", *ITEMS, "duty", "备注", "Token", " duty ", "", "study"]),
    min_size=1,
    max_size=8,
)
VALUES = st.one_of(
    st.integers(min_value=-2, max_value=22).map(str),
    st.sampled_from(["18.5", "1e1", "NaN", "Infinity", "", " 7 ", "２０", "x", "1,0", '"3"']),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "latin-1"])


def _csv(columns: list[str], rows: list[list[str]], newline: str) -> str:
    return newline.join(",".join(cells) for cells in [columns, *rows]) + newline


def test_ballot_files_are_imported_whole_or_refused_in_one_line(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    cycle = "甲局/2024"
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", cycle, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    ws.ok("cycle", "advance", cycle, "start_check")
    issued = ws.ok("ballot", "issue", cycle, "--group", "masses", "--count", "300", "--json")
    tokens = json.loads(issued.stdout)["tokens"]
    tally: Counter[str] = Counter()
    # Well-formed files, so that some are accepted and the refusals are not all the same.
    wellformed = st.builds(
        lambda order, ts, values: (["token", *order], [[t, *values] for t in ts]),
        st.permutations(ITEMS),
        st.lists(st.sampled_from(tokens), min_size=1, max_size=3),
        st.lists(st.integers(0, 20).map(str), min_size=5, max_size=5),
    )
    anything = st.builds(
        lambda columns, ts, values: (columns, [[t, *values[: len(columns) - 1]] for t in ts]),
        COLUMNS,
        st.lists(st.one_of(st.sampled_from(tokens), st.text(max_size=6)), max_size=3),
        st.lists(VALUES, min_size=8, max_size=8),
    )

    @property_of(150)
    @given(
        table=st.one_of(wellformed, anything),
        encoding=ENCODINGS,
        newline=st.sampled_from(["\n", "\r\n"]),
        raw=st.one_of(st.none(), st.binary(max_size=40)),
    )
    def one(
        table: tuple[list[str], list[list[str]]], encoding: str, newline: str, raw: bytes | None
    ) -> None:
        columns, rows = table
        try:
            data = raw if raw is not None else _csv(columns, rows, newline).encode(encoding)
        except UnicodeEncodeError:  # latin-1 cannot hold 备注
            data = _csv(columns, rows, newline).encode("utf-8")
        cast_before = ballots_cast(ws)
        if run(ws, ["ballot", "import", cycle, "-"], tally, data=data):
            # Accepted: the header named token and each item exactly once.
            assert raw is None and sorted(c.strip() for c in columns) == sorted(["token", *ITEMS])
            assert ballots_cast(ws) == cast_before + len(rows)

    one()
    report("ballot CSVs", tally)


def ballots_cast(ws: Workspace) -> int:
    return ws.sql(f"SELECT count(*) FROM {ws.events_table} WHERE topic LIKE '%BallotCounted'")[0][0]
