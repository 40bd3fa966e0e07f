"""Start-up cost of the commands supervisors type all day, against ``python -c pass``.

Not a test: it prints figures. Run: ``python bench/startup.py [--runs 15] [--pg URL]``.
It builds a throw-away SQLite workspace, then times (median over N runs, interleaved
so the machine's load falls on all alike) ``pdca cycle status`` (a read), ``pdca task
add`` and ``pdca cycle advance`` (writes; the cycle is moved back and forth between 处理
and 督查 so every run records one event). Wall time and CPU time (user + system) are
both shown: on a shared machine the CPU time is the steadier. With ``--pg`` (a
``postgresql+psycopg://…`` URL whose ``?schema=`` is made and dropped here) the same
commands run on PostgreSQL too, beside ``python -c "import psycopg"``. With ``--old DIR``
(another checkout of pdca, e.g. ``git worktree add /tmp/old main``) the same commands run
from that checkout's sources too, in a workspace of their own, interleaved with these, so
a change is measured against what it replaces in one run (``old`` rows, and their ratio).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def workspace(tmp: str, db: str | None, old: str | None = None) -> dict[str, str]:
    env = {**os.environ, "PDCA_WORKSPACE": tmp, "PDCA_ACTOR": "bench", "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_DB", None)
    # A user's Python keeps the compiled modules (``__pycache__``, or the ``.pyc`` a wheel
    # install writes). This machine sets PYTHONDONTWRITEBYTECODE, which made every run
    # compile pdca's sources again: about a tenth of a write's start-up that no user pays.
    # The set-up below runs each command first, so the timed runs find them compiled.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if old:
        # The other checkout's packages come first on the path (same interpreter).
        tree = Path(old).resolve()
        env["PYTHONPATH"] = os.pathsep.join(str(tree / d) for d in ("src", "cli", "web"))
    if db:
        env["PDCA_DB"] = db
    setup = [
        ["init", tmp],
        ["unit", "add", "市财政局", "--category", "党政机关"],
        ["cycle", "open", "市财政局", "2024", "--scheme", "jilin"],
        ["task", "add", "市财政局/2024", "三会一课", "--deadline", "2024-12-31"],
        ["task", "publish", "市财政局/2024"],
        ["cycle", "advance", "市财政局/2024", "start_do"],
        ["cycle", "advance", "市财政局/2024", "start_check"],
        # Tasks are added in 执行: a second cycle waits there.
        ["unit", "add", "市教育局", "--category", "党政机关"],
        ["cycle", "open", "市教育局", "2024", "--scheme", "jilin"],
        ["task", "add", "市教育局/2024", "三会一课", "--deadline", "2024-12-31"],
        ["task", "publish", "市教育局/2024"],
        ["cycle", "advance", "市教育局/2024", "start_do"],
    ]
    for step in setup:
        subprocess.run([PDCA, *step], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pg", help="postgresql+psycopg://…?schema=NAME (made and dropped)")
    parser.add_argument("--old", help="another pdca checkout to time beside this one")
    args = parser.parse_args()
    c = "市财政局/2024"
    jobs: dict[str, Any] = {
        "python -c pass": lambda n, e: [sys.executable, "-c", "pass"],
        "pdca cycle status": lambda n, e: [PDCA, "cycle", "status", c],
        "pdca task add": lambda n, e: [
            PDCA,
            "task",
            "add",
            "市教育局/2024",
            f"任务{n}",
            "--deadline",
            "2024-12-31",
        ],
        "pdca cycle advance": lambda n, e: [
            PDCA,
            "cycle",
            "advance",
            c,
            ("start_act", "reopen_check")[n % 2],
        ],
    }
    if args.old and not (Path(args.old) / "src" / "pdca").is_dir():
        # Without the other checkout's sources on the path the installed ones would be
        # timed as "old": a comparison of this build with itself, silently.
        sys.exit(f"--old {args.old}: not a checkout of pdca (no src/pdca there)")
    envs = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryDirectory() as tmp_pg,
        tempfile.TemporaryDirectory() as tmp_old,
    ):
        envs["sqlite"] = workspace(tmp, None)
        if args.old:
            envs["old"] = workspace(tmp_old, None, args.old)
        if args.pg:
            _schema(args.pg, "CREATE SCHEMA")
            envs["postgresql"] = workspace(tmp_pg, args.pg)
            jobs["python -c 'import psycopg'"] = lambda n, e: [
                sys.executable,
                "-c",
                "import psycopg",
            ]
        figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
        try:
            for n in range(args.runs):
                for backend, env in envs.items():
                    for label, make in jobs.items():
                        if backend != "sqlite" and not label.startswith("pdca"):
                            continue
                        figures.setdefault((backend, label), []).append(timed(make(n, env), env))
        finally:
            if args.pg:
                _schema(args.pg, "DROP SCHEMA CASCADE")
    base = [statistics.median(f[i] for f in figures[("sqlite", "python -c pass")]) for i in (0, 1)]
    print(f"median of {args.runs} interleaved runs; ratio to python -c pass (wall | CPU)")
    medians = {
        key: tuple(statistics.median(r[i] for r in runs) for i in (0, 1))
        for key, runs in figures.items()
    }
    for (backend, label), (wall, cpu) in medians.items():
        print(
            f"  {backend:10s} {label:28s} wall {wall * 1000:7.1f} ms {wall / base[0]:5.1f}x"
            f"   CPU {cpu * 1000:7.1f} ms {cpu / base[1]:5.1f}x"
        )
    if args.old:
        print("this checkout against --old (CPU; below 1: faster)")
        for (backend, label), (_, cpu) in medians.items():
            if backend == "old":
                print(f"  {label:28s} {medians[('sqlite', label)][1] / cpu:5.2f}")


def _schema(url: str, what: str) -> None:
    from urllib.parse import parse_qs, urlsplit

    import psycopg

    parts = urlsplit(url)
    schema = parse_qs(parts.query)["schema"][0]
    dsn = f"postgresql://{parts.netloc}{parts.path}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'{what.split()[0]} SCHEMA "{schema}" {" ".join(what.split()[2:])}')
        if what.startswith("DROP"):
            # pdca init made the schema's group roles: they belong to the whole server.
            from pdca.storage.group_roles import names

            for role in names(parts.path.lstrip("/"), schema).values():
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                    conn.execute(f'DROP OWNED BY "{role}"')
                    conn.execute(f'DROP ROLE "{role}"')


if __name__ == "__main__":
    main()
