"""A long history fast: one year of a synthetic province, written again as later years.

``bench/province.py`` makes a year through the application (about 1,100 events/s here
when the machine is quiet, ten times slower when it is shared); a million events that
way takes a quarter of an hour at best. For benchmarks that need the *size* of a
long history (``bench/verify.py``, ``bench/projections.py`` at 1M events) this writer
copies the first year's stored rows once per later year, straight into the SQLite
event table, as that year's: each cycle and round under its own id for the new period
(``cycle_id``, ``round_id``), periods, cycle addresses and dates moved on by whole
years, and the hash chain recomputed (``prev_digest`` of every row, the head digests a
finalisation publishes), so ``pdca verify`` finds it clean and every projection reads
it as it reads a real history. Units are registered once; anchors (written outside the
database too) are not copied. Year 1's consequences read no earlier year, so neither
do the copies: cross-year rules see no history (the figures are about size).

    python bench/replicate.py DIR --years 11     # DIR made by province.py, 1 year or more
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from pdca.domain.ids import cycle_id
from pdca.domain.round import round_id
from pdca.storage.chain import GENESIS, PREV, digest

_PERIOD = re.compile(r"(19|20)\d\d(-(Q[1-4]|H[12]))?", re.ASCII)
_DATE = re.compile(r"(19|20)\d\d-\d\d-\d\d", re.ASCII)


def _moved(period: str, years: int) -> str:
    return f"{int(period[:4]) + years}{period[4:]}"


def _shift(value: Any, years: int) -> Any:
    """Periods, cycle addresses and dates inside a stored state, ``years`` later."""
    if isinstance(value, dict):
        if value.get("_type_") == "date_iso" and _DATE.fullmatch(value["_data_"]):
            day = value["_data_"]
            if day[5:] == "02-29":
                day = day[:5] + "02-28"  # no 29 February in most years
            return {**value, "_data_": _moved(day, years)}
        return {k: _shift(v, years) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, years) for v in value]
    if isinstance(value, str):
        if _PERIOD.fullmatch(value):
            return _moved(value, years)
        unit, sep, period = value.rpartition("/")
        if sep and unit and _PERIOD.fullmatch(period):
            return f"{unit}/{_moved(period, years)}"
    return value


def replicate(db_path: Path, years: int) -> int:
    db = sqlite3.connect(db_path)
    (first,) = db.execute(
        "SELECT min(rowid) FROM stored_events WHERE topic = 'pdca.domain.cycle:Cycle.Opened'"
    ).fetchone()
    periods = {
        orjson.loads(s)["period"][:4]
        for (s,) in db.execute(
            "SELECT state FROM stored_events WHERE topic = 'pdca.domain.round:Round.Opened'"
        )
    }
    if len(periods) != 1:
        raise SystemExit(f"{db_path}: expected one year of history, found {sorted(periods)}")
    source = list(
        db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid >= ? AND topic != 'pdca.domain.anchor:Anchor.Taken' ORDER BY rowid",
            (first,),
        )
    )
    base = int(periods.pop())
    # Each aggregate of the year: its unit and period (a cycle) or period and scheme (a round).
    keys: dict[str, tuple[str, str, str]] = {}
    for oid, version, topic, state in source:
        if version == 1:
            opened = orjson.loads(state)
            if topic.endswith("Cycle.Opened"):
                keys[oid] = ("cycle", opened["unit"], opened["period"])
            elif topic.endswith("Round.Opened"):
                keys[oid] = ("round", opened["period"], opened["scheme_id"])
    written = 0
    for year in range(base + 1, base + years):
        moved = year - base
        ids: dict[str, UUID] = {}
        for oid, (kind, a, b) in keys.items():
            if kind == "cycle":
                ids[oid] = cycle_id(a, _moved(b, moved))
            else:
                ids[oid] = round_id(_moved(a, moved), b)
        heads: dict[UUID, tuple[int, str]] = {}
        rows = []
        for oid, version, topic, state in source:
            new_id = ids[oid]
            fact = _shift(orjson.loads(state), moved)
            fact[PREV] = heads[new_id][1] if version > 1 else GENESIS
            if topic.endswith("Round.Finalized"):
                for outcome in fact["outcomes"]:
                    unit, _, period = outcome["cycle"].rpartition("/")
                    head = heads[cycle_id(unit, period)]
                    assert head[0] == outcome["head"], (outcome["cycle"], head[0])
                    outcome["digest"] = head[1]
            stored = orjson.dumps(fact)
            heads[new_id] = (version, digest(new_id, topic, stored))
            rows.append((new_id.hex, version, topic, stored))
        db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
        db.commit()
        written += len(rows)
        print(f"  {year}: {written:,} events written", file=sys.stderr)
    (total,) = db.execute("SELECT max(rowid) FROM stored_events").fetchone()
    db.close()
    return int(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--years", type=int, required=True, help="years in all, the first included")
    args = parser.parse_args()
    started = time.perf_counter()
    total = replicate(args.directory / "pdca.sqlite3", args.years)
    print(f"{total:,} events in {time.perf_counter() - started:.1f} s → {args.directory}")


if __name__ == "__main__":
    main()
