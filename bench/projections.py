"""How fast the built-in projections rebuild, against the library's runner and a raw floor.

Not a test: it prints figures. On a synthetic province (``bench/province.py``,
cached under ``bench/.data/``) it measures, each in a fresh process so peak memory
is its own:

  (a) ``pdca``'s runtime rebuilding the built-in ``scores`` and ``ledger``
      projections from zero — at a quarter, half and all of the history, to show
      peak memory stays flat as the history grows;
  (b) the ``eventsourcing`` library's own projection runner writing the same rows:
      its ``Projection`` and ``SQLiteTrackingRecorder`` view, each event decoded by
      the library's mapper and processed in its own transaction with its tracking
      record (on the first ``--runner-events`` events: at its rate the whole history
      takes the best part of an hour);
  (c) the raw floor: plain ``sqlite3`` streaming the same stored rows, ``orjson``
      decoding them, the same fold and scoring function into rows held in a dict,
      written once with ``executemany`` — no framework, everything in memory.

All three build their rows with the same functions (``score_row``, ``ledger_rows``)
from the same fold, and (a)'s tables are checked equal to (c)'s.

    python bench/projections.py                      # 1000 units × 10 years ≈ 1.09M events (the five schemes, about 109k a year)
    python bench/projections.py --units 200 --years 5
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """This process's CPU seconds: on a shared machine the wall clock also counts the
    time other processes held the cores, the CPU time does not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- (a) pdca ---------------------------------------------------------------------------


def phase_rebuild(root: Path, until: int | None) -> dict[str, Any]:
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(open_workspace(str(root), None))
    runtime = app.projection_runtime()
    head = until or runtime.head()
    started, cpu = time.perf_counter(), _cpu()
    runtime.rebuild("scores", "ledger", until=head)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    app.close()
    # Every event of the log up to ``head`` is covered; the few types neither
    # projection handles are skipped by the read's topic filter, not counted out.
    return {"events": head, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


# ---- (b) the library's ProjectionRunner ----------------------------------------------------


def phase_runner(root: Path, events: int) -> dict[str, Any]:
    from eventsourcing.application import Application
    from eventsourcing.persistence import InfrastructureFactory, Tracking, Transcoder
    from eventsourcing.projection import Projection
    from eventsourcing.sqlite import SQLiteTrackingRecorder
    from eventsourcing.utils import Environment
    from sqlalchemy.dialects import sqlite as sqlite_dialect
    from sqlalchemy.schema import CreateTable

    from pdca.domain.facts import CycleFacts
    from pdca.projections.decoding import Fact
    from pdca.projections.ledger import ledger, ledger_rows
    from pdca.projections.scores import PUBLISHED, published_values, score_row, scores
    from pdca.rules import scoring
    from pdca.rules.schemes import pinned
    from pdca.storage.transcodings import register_all

    def copy_of(table: Any, name: str) -> Any:
        from sqlalchemy import MetaData

        return table.to_metadata(MetaData(), name=name)

    lib_scores, lib_ledger = copy_of(scores, "lib_scores"), copy_of(ledger, "lib_ledger")

    def upsert(table: Any) -> str:
        columns = [c.name for c in table.columns]
        return (
            f"INSERT OR REPLACE INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )

    class Pdca(Application):
        name = "pdca"

        def register_transcodings(self, transcoder: Transcoder) -> None:
            super().register_transcodings(transcoder)
            register_all(transcoder)

    class View(SQLiteTrackingRecorder):
        def construct_create_table_statements(self) -> list[str]:
            return [
                *super().construct_create_table_statements(),
                *(
                    str(
                        CreateTable(t, if_not_exists=True).compile(dialect=sqlite_dialect.dialect())
                    )
                    for t in (lib_scores, lib_ledger)
                ),
            ]

        def write(
            self, rows: list[dict[str, Any]], found: list[dict[str, Any]], t: Tracking
        ) -> None:
            with self.datastore.transaction(commit=True) as c:
                for row in rows:
                    c.execute(upsert(lib_scores), row)
                for row in found:
                    c.execute(upsert(lib_ledger), row)
                self._insert_tracking(c, t)

    class ScoresAndLedger(Projection[View]):
        name = "bench_library"

        def __init__(self, view: View) -> None:
            super().__init__(view)
            self.cycles: dict[Any, CycleFacts] = {}
            self.rows: dict[str, dict[str, Any]] = {}
            self.units: dict[str, tuple[str, str]] = {}

        def process_event(self, domain_event: Any, tracking: Tracking) -> None:
            kind = type(domain_event).__qualname__
            rows: list[dict[str, Any]] = []
            found: list[dict[str, Any]] = []
            if kind == "Unit.Registered":
                self.units[domain_event.name] = (domain_event.category, domain_event.grid)
            elif kind.startswith("Cycle."):
                oid = domain_event.originator_id
                facts = self.cycles.setdefault(oid, CycleFacts())
                facts.apply(
                    kind.partition(".")[2],
                    domain_event.originator_version,
                    domain_event.timestamp,
                    vars(domain_event),
                )
                scheme = pinned(facts.scheme_text)
                category, grid = self.units.get(facts.unit, (None, None))
                old = self.rows.get(str(oid)) or dict.fromkeys(PUBLISHED)
                row = score_row(oid, facts, scoring.round_context([facts], scheme), category, grid)
                row.update({k: old[k] for k in PUBLISHED})
                self.rows[str(oid)] = row
                rows.append(row)
                found = ledger_rows(oid, facts)
            elif kind == "Round.Finalized":
                fact = Fact(0, domain_event.originator_id, 0, kind, vars(domain_event))
                for key, values in published_values(fact).items():
                    self.rows[key].update(values)
                    rows.append(self.rows[key])
            self.view.write(rows, found, tracking)

    # Start from zero each run: the library resumes from its tracking table.
    db = sqlite3.connect(root / "pdca.sqlite3")
    for statement in (
        "DROP TABLE IF EXISTS lib_scores",
        "DROP TABLE IF EXISTS lib_ledger",
        "DROP TABLE IF EXISTS tracking",
    ):
        db.execute(statement)
    db.commit()
    db.close()
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(root / "pdca.sqlite3"),
        "SQLITE_LOCK_TIMEOUT": "30",
        "CREATE_TABLE": "y",
    }
    # ``ProjectionRunner`` pulls from ``recorder.subscribe``, which the library's
    # SQLite recorder does not implement (NotImplementedError in 9.5). So the
    # runner's own loop is driven here by hand: the same ApplicationSubscription
    # step (notification → mapper → domain event + Tracking) over the library's
    # ``select_notifications``, then ``process_event``, one transaction per event.
    started, cpu = time.perf_counter(), _cpu()
    app = Pdca(env=env)
    factory = InfrastructureFactory.construct(env=Environment(name="bench_library", env=env))
    projection = ScoresAndLedger(view=factory.tracking_recorder(View))
    position = 0
    while position < events:
        page = app.recorder.select_notifications(
            start=position + 1, limit=min(500, events - position)
        )
        if not page:
            break
        for notification in page:
            tracking = Tracking(app.name, notification.id)
            projection.process_event(app.mapper.to_domain_event(notification), tracking)
            position = notification.id
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    done = projection.view.max_tracking_id(app.name) or 0
    return {"events": done, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


# ---- (c) the raw floor -------------------------------------------------------------------


def phase_floor(root: Path, until: int | None) -> dict[str, Any]:
    from decimal import Decimal
    from uuid import UUID

    from pdca.domain.facts import CycleFacts
    from pdca.projections.decoding import decode
    from pdca.projections.ledger import ledger, ledger_rows
    from pdca.projections.scores import PUBLISHED, published_values, score_row, scores
    from pdca.rules import scoring
    from pdca.rules.schemes import pinned

    started, cpu = time.perf_counter(), _cpu()
    db = sqlite3.connect(root / "pdca.sqlite3")
    cycles: dict[str, CycleFacts] = {}
    units: dict[str, tuple[str, str]] = {}
    published: dict[str, dict[str, Any]] = {}
    read = 0
    rows = db.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
        "WHERE rowid <= ? ORDER BY rowid",
        (until or 2**62,),
    )
    for position, oid, version, topic, state in rows:
        read += 1
        kind = topic.rpartition(":")[2]
        if kind.startswith("Cycle."):
            fact = decode(position, oid, version, topic, state)
            cycles.setdefault(oid, CycleFacts()).apply(
                kind[6:], version, fact.recorded_at, fact.state
            )
        elif kind == "Unit.Registered":
            fact = decode(position, oid, version, topic, state)
            units[fact["name"]] = (fact["category"], fact["grid"])
        elif kind == "Round.Finalized":
            published.update(published_values(decode(position, oid, version, topic, state)))
    score_rows, found = [], []
    # A year that rolls up its quarters (达州) reads their published totals, as the
    # scores projection does: every cycle of the quarter under the same scheme.
    by_period: dict[tuple[str, str], list[str]] = {}
    for oid, facts in cycles.items():
        by_period.setdefault((facts.period, facts.scheme_id), []).append(oid)
    for oid, facts in cycles.items():
        uuid = UUID(oid)
        scheme = pinned(facts.scheme_text)
        category, grid = units.get(facts.unit, (None, None))
        context = scoring.round_context([facts], scheme)
        subs = scoring.rolls_up(scheme)
        if subs and "-" not in facts.period:
            totals: dict[tuple[str, str], Decimal | None] = {}
            for sub in dict.fromkeys(subs):
                period = f"{facts.period}-{sub}"
                for other in by_period.get((period, facts.scheme_id), ()):
                    total = (published.get(str(UUID(other))) or {}).get("published_total")
                    totals[(cycles[other].unit, period)] = Decimal(total) if total else None
            context = scoring.RoundContext(published=totals)
        row = score_row(uuid, facts, context, category, grid)
        row.update(published.get(str(uuid)) or dict.fromkeys(PUBLISHED))
        score_rows.append(row)
        found.extend(ledger_rows(uuid, facts))
    for table, data in (("floor_scores", score_rows), ("floor_ledger", found)):
        source = scores if table == "floor_scores" else ledger
        columns = [c.name for c in source.columns]
        db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        db.executemany(
            f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})",
            [tuple(_sql(r[c]) for c in columns) for r in data],
        )
    db.commit()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    return {"events": read, "seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def _sql(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# ---- the run --------------------------------------------------------------------------


def _phase(name: str, root: Path, **options: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", name, "--root", str(root)]
    for key, value in options.items():
        if value is not None:
            cmd += [f"--{key}", str(value)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _same_rows(root: Path) -> tuple[bool, bool]:
    db = sqlite3.connect(root / "pdca.sqlite3")

    def rows(table: str, key: str) -> list[tuple[Any, ...]]:
        return [tuple(map(str, r)) for r in db.execute(f"SELECT * FROM {table} ORDER BY {key}")]

    return (
        rows("scores", "cycle_id") == rows("floor_scores", "cycle_id"),
        rows("ledger", "cycle_id, position") == rows("floor_ledger", "cycle_id, position"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--data", type=Path, default=HERE / ".data")
    # One year of the default province: early-year events (task lists) are cheap to
    # score and ballots dear, so the sample is a whole year, not its first weeks.
    parser.add_argument("--runner-events", type=int, default=55_000)
    parser.add_argument("--phase", choices=("rebuild", "runner", "floor"))
    parser.add_argument("--root", type=Path)
    parser.add_argument("--until", type=int)
    args = parser.parse_args()

    if args.phase == "rebuild":
        print(json.dumps(phase_rebuild(args.root, args.until)))
        return
    if args.phase == "runner":
        print(json.dumps(phase_runner(args.root, args.until)))
        return
    if args.phase == "floor":
        print(json.dumps(phase_floor(args.root, args.until)))
        return

    root = args.root or args.data / f"province-{args.units}u-{args.years}y"
    if not (root / "complete").exists():
        # Built in a process of its own: a child process reports the larger of its own
        # peak memory and its parent's, so the parent must stay small.
        import shutil

        shutil.rmtree(root, ignore_errors=True)
        print(f"building the history in {root} (once; cached) …", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable, str(HERE / "province.py"), str(root),
                "--units", str(args.units), "--years", str(args.years),
            ],
            check=True,
        )  # fmt: skip
        (root / "complete").write_text("")
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    head = sqlite3.connect(root / "pdca.sqlite3").execute("SELECT max(rowid) FROM stored_events")
    total = head.fetchone()[0]
    print(
        f"history: {total:,} events — {args.units} units × {args.years} years, "
        f"≈{total / (args.units * args.years):.0f} events per cycle (SQLite)\n"
    )

    growth = [_phase("rebuild", root, until=total * q // 4) for q in (1, 2)]
    a = _phase("rebuild", root)
    b = _phase("runner", root, until=min(args.runner_events, total))
    c = _phase("floor", root)
    scores_same, ledger_same = _same_rows(root)

    def line(label: str, r: dict[str, Any]) -> str:
        rate = r["events"] / r["seconds"]
        return (
            f"{label:<46} {r['events']:>10,} events {r['seconds']:>8.2f} s "
            f"{rate:>10,.0f} events/s  {r['events'] / r['cpu']:>10,.0f} per CPU-s  "
            f"peak {r['peak_mb']:>6.0f} MB"
        )

    print(line("(a) pdca rebuild: scores + ledger", a))
    print(line("(b) eventsourcing ProjectionRunner (per event)", b))
    print(line("(c) raw floor: sqlite3 + orjson + executemany", c))
    rate = {k: r["events"] / r["seconds"] for k, r in (("a", a), ("b", b), ("c", c))}
    per_cpu = {k: r["events"] / r["cpu"] for k, r in (("a", a), ("b", b), ("c", c))}
    print(
        f"\n(a)/(b) = {rate['a'] / rate['b']:.1f}× wall, {per_cpu['a'] / per_cpu['b']:.1f}× CPU"
        "  (target ≥ 15×)\n"
        f"(a)/(c) = {rate['a'] / rate['c']:.2f} wall, {per_cpu['a'] / per_cpu['c']:.2f} CPU"
        "   (target ≥ 0.65)"
    )
    print(
        "peak memory of (a) as the history grows: "
        + " → ".join(f"{r['events']:,} events {r['peak_mb']:.0f} MB" for r in (*growth, a))
    )
    print(
        f"rows of (a) equal to (c): scores {'yes' if scores_same else 'NO'}, "
        f"ledger {'yes' if ledger_same else 'NO'}"
    )


if __name__ == "__main__":
    main()
