"""The database's one time zone, and every time as people and programs see it.

Events record their instants in UTC (the event store's clock); that never changes. What
a user types and reads is local time: each database has one zone, chosen at ``pdca init``
(default Asia/Shanghai) and kept in its marker, so every folder and every machine
answers ``--as-of`` alike. A database made before the zone was recorded reads as
Asia/Shanghai — never as UTC, never as the machine's zone (``TZ``).

This module owns the zone and the spelling of times: input without an offset means the
zone; a date alone in ``--as-of`` means the end of that day; every time shown (tables,
JSON, refusals, exports) is in the zone with its offset. Nothing else in pdca spells an
instant for a reader (stores keep UTC text: the ledger's columns, marked as instants).

Standard library only (``zoneinfo``; the ``tzdata`` package supplies the zones where the
operating system has no zone database): it is on the path of every command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pdca.errors import InvalidInput, RuleViolation, StorageError
from pdca.storage.meta import ZONE

#: The zone of a database that names none: the one every seed system works in.
DEFAULT_ZONE = "Asia/Shanghai"

#: ISO 8601 as ``--as-of`` takes it: a date, optionally a time (to the hour, minute,
#: second or fraction) and an offset. ASCII digits only (``\d`` alone would take
#: full-width ones).
_MOMENT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>[.,]\d{1,6})?)?)?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
#: How much a written moment covers, by the last field written: a date means the whole
#: day, a time to the second the whole second (so the time a table shows, typed back,
#: includes the event it showed). With a fraction it is exact.
_SPAN = {
    "hour": timedelta(hours=1),
    "minute": timedelta(minutes=1),
    "second": timedelta(seconds=1),
}
_LAST = timedelta(microseconds=1)
#: Names in the zone database that are no place's zone.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def zone_named(name: str) -> ZoneInfo:
    """The zone called ``name`` (an IANA name such as ``Asia/Shanghai``), or a refusal.
    ``localtime`` is refused: it is whatever the machine says, which is the point of
    storing a zone at all."""
    from zoneinfo import available_timezones

    if name in available_timezones() and name not in _NOT_ZONES:
        return ZoneInfo(name)
    raise RuleViolation(
        f"未知时区 '{name}'；应为 IANA 时区名，如 {DEFAULT_ZONE}、Asia/Urumqi、Asia/Hong_Kong、UTC"
    )


def stored_zone(name: str | None) -> ZoneInfo:
    """The zone a database's marker names; ``None`` (made before zones were recorded)
    reads as ``DEFAULT_ZONE``."""
    if name is None:
        return ZoneInfo(DEFAULT_ZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise StorageError(
            f"数据库记录的时区 '{name}' 在本机无法识别；安装 tzdata（pip install tzdata）后再用，本次未做任何改动"
        ) from None


@dataclass(frozen=True)
class Clock:
    """Local time in one zone: the database's (``PdcaApplication.clock``)."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))

    @property
    def name(self) -> str:
        return self.zone.key

    def local(self, moment: datetime) -> datetime:
        """An instant in the zone. A naive one is a stored UTC instant (SQLite keeps a
        ``DateTime`` column without its offset); input never arrives here naive."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone)

    def iso(self, moment: datetime) -> str:
        """For programs (JSON, CSV): ISO 8601 in the zone, with offset and microseconds,
        e.g. ``2026-11-27T21:13:55.123456+08:00``."""
        return self.local(moment).isoformat()

    def shown(self, moment: datetime) -> str:
        """For people (tables, messages): to the second, with the offset,
        e.g. ``2026-11-27 21:13:55+08:00``."""
        return self.local(moment).isoformat(sep=" ", timespec="seconds")

    def iso_text(self, text: str | None) -> str | None:
        """An instant stored as ISO text with an offset (a read model's column), in the zone."""
        return None if text is None else self.iso(datetime.fromisoformat(text))

    def rows(self, table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A read model's ``rows`` of ``table`` (SQLAlchemy) with every instant as ISO text
        in the zone: ``DateTime`` columns, text columns marked ``info={"instant": True}``
        (the ledger keeps its instants as UTC text), and the keys a JSON column names in
        ``info={"instants_in_json": (key, …)}`` (the scores' veto facts)."""
        from sqlalchemy import DateTime

        instants = [
            c.name for c in table.c if c.info.get("instant") or isinstance(c.type, DateTime)
        ]
        in_json = {
            c.name: c.info["instants_in_json"] for c in table.c if "instants_in_json" in c.info
        }
        for row in rows:
            for name in instants:
                value = row.get(name)
                if isinstance(value, str):
                    row[name] = self.iso_text(value)
                elif value is not None:
                    row[name] = self.iso(value)
            for name, keys in in_json.items():
                if row.get(name):
                    row[name] = self._json_text(row[name], keys)
        return rows

    def _json_text(self, text: str, keys: tuple[str, ...]) -> str:
        """JSON text with the instants under ``keys`` (at any depth) in the zone."""
        import json

        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                return {
                    k: self.iso_text(v) if k in keys and isinstance(v, str) else walk(v)
                    for k, v in value.items()
                }
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return json.dumps(walk(json.loads(text)), ensure_ascii=False)

    def today(self) -> date:
        """Today's date in the zone: what ``--today`` means when not given."""
        return datetime.now(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The last microsecond of ``day`` in the zone: 23:59:59.999999."""
        return datetime.combine(day, time.max, tzinfo=self.zone)

    def moment(self, text: str, what: str = "时刻") -> datetime:
        """A moment typed by a user (``--as-of``): without an offset it is in the zone;
        it stands for the end of what it names — a date alone for 23:59:59.999999 of that
        day, a time to the second for the end of that second."""
        found = _MOMENT.fullmatch(text.strip())
        try:
            if found is None:
                raise ValueError(text)
            parts = found.groupdict()
            start = datetime.fromisoformat(
                parts["date"]
                + (f"T{parts['hour']}" if parts["hour"] else "")
                + (f":{parts['minute']}" if parts["minute"] else "")
                + (f":{parts['second']}" if parts["second"] else "")
                + (parts["fraction"].replace(",", ".") if parts["fraction"] else "")
            )
        except ValueError:
            raise InvalidInput(
                f"{what} '{text}' 格式不对；应为 ISO 8601，例如 2024-06-30T18:00:00+08:00、"
                f"2024-06-30T18:00:00（按数据库时区 {self.name}）或 2024-06-30（当日结束时）"
            ) from None
        if parts["fraction"]:
            return start.replace(tzinfo=self._offset(parts["offset"]))
        if not parts["hour"]:
            return self.end_of(start.date())
        last = next(k for k in ("second", "minute", "hour") if parts[k])
        # Wall-clock arithmetic, then the zone.
        return (start + _SPAN[last] - _LAST).replace(tzinfo=self._offset(parts["offset"]))

    def _offset(self, written: str | None) -> tzinfo:
        """The zone of a typed moment: its own offset, else the database's zone."""
        if not written:
            return self.zone
        return datetime.fromisoformat(f"2000-01-01T00:00{written}").tzinfo or UTC


def spelled(iso: str) -> str:
    """An ISO 8601 instant as a table shows it, in the zone it is written in (the
    application writes every instant in the database's zone): ``2024-05-12 09:30:00+08:00``."""
    if len(iso) in (25, 32) and iso[10] == "T" and iso[19] in ".+-" and iso[-3] == ":":
        # The shape ``Clock.iso`` writes, cut as text: a long cycle's explain spells
        # thousands (the same as parsing and writing it again, seconds truncated).
        return f"{iso[:10]} {iso[11:19]}{iso[-6:]}"
    return datetime.fromisoformat(iso).isoformat(sep=" ", timespec="seconds")


def for_init(stored: dict[str, Any], requested: str | None, has_events: bool) -> ZoneInfo:
    """The zone ``pdca init`` keeps: the one asked for on a new database; on an existing one
    the zone it already has (or Asia/Shanghai, if it was made before zones were recorded
    and holds events), refusing a different one — every answer already given depends on it."""
    asked = zone_named(requested) if requested is not None else None
    current = stored.get(ZONE)
    if current is None and not has_events:
        return asked or ZoneInfo(DEFAULT_ZONE)
    kept = stored_zone(current)
    if asked is not None and asked.key != kept.key:
        why = "初始化时确定" if current is not None else "记录时区之前已有事件，按默认时区解读"
        raise RuleViolation(
            f"数据库的时区是 {kept.key}（{why}），不能改为 {asked.key}：已记录的时刻与"
            f"不带时差的输入都按它解读；要用 {asked.key}，请新建工作区"
        )
    return kept
