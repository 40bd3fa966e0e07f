"""What one database holds and writes, for ``docs/scaling.md``.

Not a test: it prints figures. It takes the stored rows of a synthetic province year
(``bench/verify.py`` builds it: 1000 units, ~97k events) and

  * on PostgreSQL, in a fresh workspace schema set up by ``pdca init`` (append-only
    trigger, principal stamp, topic index), inserts them through the event recorder
    the commands use: in transactions of 1,000 events (a bulk import, a rebuild of a
    history elsewhere) and one event per transaction (what a command does), and
    reports the bytes a stored event takes with its indexes;
  * on SQLite, the file's bytes per event of the 1.05M-event history.

    python bench/storage.py [--data /tmp/pdca-bench-verify] [--single 300]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG = os.environ.get("PDCA_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/pdca-bench-verify"))
    parser.add_argument("--single", type=int, default=300)
    args = parser.parse_args()
    year = args.data / "p1000u-1y" / "pdca.sqlite3"
    long = args.data / "p1000u-11y" / "pdca.sqlite3"
    src = sqlite3.connect(f"file:{year}?mode=ro", uri=True)
    rows = src.execute(
        "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
    ).fetchall()

    from eventsourcing.persistence import StoredEvent

    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    schema = f"bench_storage_{uuid.uuid4().hex[:8]}"
    url = f"{PG}?schema={schema}"
    root = Path(tempfile.mkdtemp(prefix="pdca-bench-storage-"))
    import psycopg

    admin = psycopg.connect(PG.replace("+psycopg", ""), autocommit=True)
    admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        env = {**os.environ, "PDCA_WORKSPACE": str(root), "PDCA_DB": url}
        pdca = str(Path(sys.executable).with_name("pdca"))
        subprocess.run([pdca, "init"], env=env, check=True, capture_output=True)
        app = PdcaApplication(open_workspace(str(root), url))
        events = [
            StoredEvent(uuid.UUID(oid), version, topic, bytes(state))
            for oid, version, topic, state in rows
        ]
        bulk, single = events[: -args.single], events[-args.single :]
        started = time.perf_counter()
        for at in range(0, len(bulk), 1000):
            app.recorder.insert_events(bulk[at : at + 1000])
        bulk_rate = len(bulk) / (time.perf_counter() - started)
        started = time.perf_counter()
        for event in single:
            app.recorder.insert_events([event])
        single_rate = len(single) / (time.perf_counter() - started)
        app.close()
        # The server's own floor on this machine: a bare one-row insert per transaction.
        admin.execute(f'CREATE TABLE "{schema}".bare (n integer)')
        started = time.perf_counter()
        for n in range(args.single):
            admin.execute(f'INSERT INTO "{schema}".bare VALUES (%s)', (n,))
        bare_rate = args.single / (time.perf_counter() - started)
        size = admin.execute(
            f"SELECT pg_total_relation_size('\"{schema}\".pdca_events'), "
            f"pg_relation_size('\"{schema}\".pdca_events')"
        ).fetchone()
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()
    sqlite_events = (
        sqlite3.connect(f"file:{long}?mode=ro", uri=True)
        .execute("SELECT max(rowid) FROM stored_events")
        .fetchone()[0]
    )
    sqlite_bytes = long.stat().st_size
    print(f"PostgreSQL ({len(events):,} events of one province year, 1000 units):")
    print(f"  transactions of 1,000 events: {bulk_rate:>9,.0f} events/s")
    print(f"  one event per transaction:    {single_rate:>9,.0f} events/s ({args.single} runs)")
    print(f"  a bare one-row INSERT per transaction (the server's floor): {bare_rate:,.0f}/s")
    print(
        f"  stored: {size[0] / len(events):,.0f} bytes/event with indexes "
        f"({size[1] / len(events):,.0f} in the table)"
    )
    print(
        f"SQLite: {sqlite_bytes / sqlite_events:,.0f} bytes/event in the file "
        f"({sqlite_events:,} events, views included)"
    )


if __name__ == "__main__":
    main()
