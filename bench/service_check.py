"""What asking PostgreSQL for the ``service`` group role on every web write costs
(``accounts._service_role``; it was asked once per process before, so a REVOKE took
effect only at a restart).

Not a test: it prints figures. On a PostgreSQL workspace of its own, a web account's
task report through the application (the whole server write: permission check, session
check, load, save) and the membership question alone, interleaved call by call, so both
see the same load: per-call wall and CPU time and the question's share of a write.

    python bench/service_check.py --db postgresql://postgres@127.0.0.1:5432/bench_b DIR
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path


def pdca(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "pdca"), *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"pdca {' '.join(args)}: {done.stderr}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="postgresql://… (a schema is made in it)")
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("dir", type=Path)
    options = parser.parse_args()

    import psycopg

    schema = f"b_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(options.db, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = options.db.replace("postgresql://", "postgresql+psycopg://") + f"?schema={schema}"
    root = options.dir / schema
    env = {**os.environ, "PDCA_DB": url, "PDCA_WORKSPACE": str(root)}
    try:
        measure(env, url, root, options.writes)
    finally:
        with psycopg.connect(options.db, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure(env: dict[str, str], url: str, root: Path, writes: int) -> None:
    from pdca.application import accounts, logins
    from pdca.application.identity import principal
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    pdca(env, "init", str(root))
    address = "甲局/2024"
    for args in (
        ("unit", "add", "甲局", "--category", "党政机关"),
        ("cycle", "open", "甲局", "2024", "--scheme", "jilin"),
        ("task", "add", address, "学习", "--deadline", "2024-06-30"),
        ("task", "publish", address),
        ("cycle", "advance", address, "start_do"),
    ):
        pdca(env, *args)
    app = PdcaApplication(open_workspace(str(root), url))
    server = principal(app)
    for args in (
        ("account", "add", server, "--person", "管理员", "--role", "admin", "--role", "service"),
        ("account", "add", "wangwu", "--person", "王五", "--role", "staff", "--unit", "甲局"),
    ):
        pdca(env, *args)
    password = json.loads(pdca(env, "account", "password", "wangwu", "--json"))["password"]
    user = logins.user_of(app, logins.log_in(app, "wangwu", password, "127.0.0.1"), 1800)
    assert user is not None

    write_wall, write_cpu, ask_wall, ask_cpu = [], [], [], []
    for n in range(writes):
        acting = logins.acting_for(app, user, "task report", server)
        w0, c0 = time.perf_counter(), time.process_time()
        app.report_task(acting, address, 1, n % 100, None)
        w1, c1 = time.perf_counter(), time.process_time()
        assert accounts._service_role(app) is None
        w2, c2 = time.perf_counter(), time.process_time()
        write_wall.append(w1 - w0)
        write_cpu.append(c1 - c0)
        ask_wall.append(w2 - w1)
        ask_cpu.append(c2 - c1)
    app.close()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.3f} ms"

    print(f"load average: {os.getloadavg()}")
    print(f"{writes} web writes (each including one membership question), interleaved:")
    print(f"  web write      wall {ms(write_wall)}, cpu {ms(write_cpu)}")
    print(f"  question alone wall {ms(ask_wall)}, cpu {ms(ask_cpu)}")
    share = statistics.median(ask_wall) / statistics.median(write_wall)
    print(f"  the question is {share:.1%} of a web write's wall time (medians)")


if __name__ == "__main__":
    main()
