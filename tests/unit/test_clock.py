"""The database clock (``pdca.application.clock``): how typed moments are read and how
instants are spelled, worked by hand. Shanghai is UTC+8 all year (no summer time since
1991), so every figure below is the UTC instant plus eight hours."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdca.application.clock import DEFAULT_ZONE, Clock, for_init, spelled, zone_named
from pdca.errors import RuleViolation, StorageError

SHANGHAI = Clock(ZoneInfo("Asia/Shanghai"))


def test_the_default_zone_is_shanghai_never_the_machines() -> None:
    assert DEFAULT_ZONE == "Asia/Shanghai"
    assert Clock().name == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # No offset: Shanghai's wall clock. To the second: the end of that second.
        ("2026-11-27T21:13:55", "2026-11-27T21:13:55.999999+08:00"),
        ("2026-11-27 21:13:55", "2026-11-27T21:13:55.999999+08:00"),
        # A fraction is exact.
        ("2026-11-27T21:13:55.5", "2026-11-27T21:13:55.500000+08:00"),
        ("2026-11-27T21:13:55,000001", "2026-11-27T21:13:55.000001+08:00"),
        # To the minute or the hour: the end of it.
        ("2026-11-27T21:13", "2026-11-27T21:13:59.999999+08:00"),
        ("2026-11-27T21", "2026-11-27T21:59:59.999999+08:00"),
        # A date alone: the end of that day in the zone.
        ("2024-07-01", "2024-07-01T23:59:59.999999+08:00"),
        ("2024-12-31", "2024-12-31T23:59:59.999999+08:00"),
        # With an offset: that offset (the instant is the same whatever the zone).
        ("2024-06-30T18:00:00+08:00", "2024-06-30T18:00:00.999999+08:00"),
        ("2024-06-30T10:00:00Z", "2024-06-30T10:00:00.999999+00:00"),
        ("2024-06-30T10:00:00-05:00", "2024-06-30T10:00:00.999999-05:00"),
    ],
)
def test_a_typed_moment(typed: str, meant: str) -> None:
    assert SHANGHAI.moment(typed) == datetime.fromisoformat(meant)


def test_a_typed_moment_without_offset_is_eight_hours_before_the_same_text_in_utc() -> None:
    # The bug seen on main: 21:13:55 typed in Shanghai was read as 21:13:55 UTC.
    local = SHANGHAI.moment("2026-11-27T21:13:55.0")
    assert local.astimezone(UTC) == datetime(2026, 11, 27, 13, 13, 55, tzinfo=UTC)  # 21 − 8 = 13


@pytest.mark.parametrize(
    "typed",
    [
        "2024-13-01",  # no 13th month
        "2024-02-30",
        "2024-06-30T25:00",
        "２０２４-06-30",  # full-width digits
        "2024-06-30T18:00:00+0800",  # the offset as ISO 8601 writes it in an instant: HH:MM
        "2024-06-30+08:00",  # an offset needs a time
        "yesterday",
        "",
    ],
)
def test_a_moment_that_is_not_one_is_refused_with_the_forms_allowed(typed: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        SHANGHAI.moment(typed)
    assert str(refused.value) == (
        f"时刻 '{typed}' 格式不对；应为 ISO 8601，例如 2024-06-30T18:00:00+08:00、"
        "2024-06-30T18:00:00（按数据库时区 Asia/Shanghai）或 2024-06-30（当日结束时）"
    )


def test_instants_are_spelled_in_the_zone_with_the_offset() -> None:
    recorded = datetime(2026, 11, 27, 13, 13, 55, 123456, tzinfo=UTC)  # as events store it
    assert SHANGHAI.iso(recorded) == "2026-11-27T21:13:55.123456+08:00"  # 13 + 8 = 21
    assert SHANGHAI.shown(recorded) == "2026-11-27 21:13:55+08:00"
    # 20:00 UTC is already the next day in Shanghai (20 + 8 = 28 = 04:00 next day).
    late = datetime(2024, 12, 31, 20, 0, tzinfo=UTC)
    assert SHANGHAI.shown(late) == "2025-01-01 04:00:00+08:00"
    # A naive instant is a stored UTC one (SQLite keeps DateTime without its offset).
    assert SHANGHAI.iso(datetime(2024, 12, 31, 20, 0)) == "2025-01-01T04:00:00+08:00"
    assert SHANGHAI.iso_text("2024-12-31T20:00:00+00:00") == "2025-01-01T04:00:00+08:00"
    assert SHANGHAI.iso_text(None) is None
    # The table's spelling of an ISO instant keeps its offset.
    assert spelled("2025-01-01T04:00:00.5+08:00") == "2025-01-01 04:00:00+08:00"
    assert spelled("2026-11-27T21:13:55.123456+08:00") == "2026-11-27 21:13:55+08:00"
    assert spelled("2025-01-01T04:00:00-03:30") == "2025-01-01 04:00:00-03:30"


@given(
    moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    minutes=st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
    seconds=st.sampled_from([0, 0, 0, 15]),
)
def test_spelling_an_instant_is_writing_it_to_the_second(
    moment: datetime, minutes: int, seconds: int
) -> None:
    """``spelled`` cuts the text ``Clock.iso`` writes instead of parsing it: every instant
    and offset (odd seconds in an offset included) reads as parsing would."""
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes, seconds=seconds)))
    assert spelled(aware.isoformat()) == aware.isoformat(sep=" ", timespec="seconds")


def test_another_zone_spells_its_own_offset() -> None:
    urumqi = Clock(zone_named("Asia/Urumqi"))  # UTC+6
    assert urumqi.shown(datetime(2024, 1, 1, 0, 0, tzinfo=UTC)) == "2024-01-01 06:00:00+06:00"
    assert urumqi.end_of(date(2024, 1, 1)).astimezone(UTC) == datetime(
        2024,
        1,
        1,
        17,
        59,
        59,
        999999,
        tzinfo=UTC,  # 23:59:59.999999 − 6 h
    )


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "asia/shanghai", "localtime", "../etc/passwd", "+08:00", ""]
)
def test_a_zone_must_be_an_iana_name(name: str) -> None:
    with pytest.raises(RuleViolation, match=re.escape(f"未知时区 '{name}'")):
        zone_named(name)


def test_init_keeps_a_databases_zone() -> None:
    # A new database: the zone asked for, else Shanghai.
    assert for_init({}, None, has_events=False).key == "Asia/Shanghai"
    assert for_init({}, "UTC", has_events=False).key == "UTC"
    # One that has a zone keeps it, and refuses another.
    assert for_init({"time_zone": "Asia/Urumqi"}, None, has_events=True).key == "Asia/Urumqi"
    assert for_init({"time_zone": "Asia/Urumqi"}, "Asia/Urumqi", has_events=True).key == (
        "Asia/Urumqi"
    )
    with pytest.raises(
        RuleViolation, match="数据库的时区是 Asia/Urumqi（初始化时确定），不能改为 UTC"
    ):
        for_init({"time_zone": "Asia/Urumqi"}, "UTC", has_events=False)
    # Made before zones were recorded: with events it is Shanghai for good; without, new.
    assert for_init({"format": "2"}, None, has_events=True).key == "Asia/Shanghai"
    with pytest.raises(RuleViolation, match="记录时区之前已有事件"):
        for_init({"format": "2"}, "UTC", has_events=True)
    assert for_init({"format": "2"}, "UTC", has_events=False).key == "UTC"
    # A zone this machine cannot read is a storage problem, not a silent default.
    with pytest.raises(StorageError, match="数据库记录的时区 'Mars/Base' 在本机无法识别"):
        for_init({"time_zone": "Mars/Base"}, None, has_events=True)
