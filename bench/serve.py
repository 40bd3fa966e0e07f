"""``pdca serve`` under load: a province of units, real HTTP clients in threads.

Not a test: it prints figures. For each database (SQLite, PostgreSQL):

- the history: ``--units`` units through a closed year (``province.populate``: task
  lists, spot checks, scores, ballots, the round finalised), then a live year whose
  cycles are in 执行, each with three tasks to report on;
- accounts: the server's login (admin + service) and one supervisor who logs in;
- latency, p50 and p95, of the ranking, a unit's cycle page (status, explain tree,
  history) and a form post (a task's progress report, a new event each) under 1, 8 and
  32 concurrent clients, each client a thread with its own HTTP connection and session;
  ``post+page`` is the post and the page it redirects to, as a browser sees it (that
  page waits for the views to reach the post's event);
- write throughput through the server against the library's raw save (one
  ``Application.save`` of one event per call, same database, same number of threads)
  and against the least server the issue's rules allow (``serve_floor.py``: the form,
  the thread hop and that one save, nothing else), in alternating rounds (the
  machine's load changes under all alike), with the CPU each spends per write;
- the server process's memory (VmRSS) over ``--memory-requests`` requests.

    python bench/serve.py --units 1000 --requests 600 --memory-requests 100000 DIR
    python bench/serve.py --units 60 --requests 60 --memory-requests 2000 DIR   # quick
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from province import ACTOR, _advance_to, populate, roster_of, scheme_for  # noqa: E402

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
FIRST_YEAR, LIVE = 2001, "2002"
SUPERVISOR, PASSWORD = "bench-sup", "bench-password-2002"
SECRET = "bench-serve-secret-0123456789abcdef"
TASKS = 3


# ---- the workspace ---------------------------------------------------------------------


@contextmanager
def database(kind: str, pg: str) -> Iterator[str]:
    """A database URL for ``kind``: the workspace's SQLite file, or a fresh schema."""
    if kind == "sqlite":
        yield "sqlite:///pdca.sqlite3"
        return
    import psycopg

    schema = f"bench_serve_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{pg.replace('postgresql://', 'postgresql+psycopg://')}?schema={schema}"
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            roles = conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%{schema}%",)
            ).fetchall()
            for (role,) in roles:
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def pdca(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PDCA, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"pdca {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def build(root: Path, url: str, units: int) -> tuple[dict[str, str], int]:
    """The workspace with its history, views caught up and accounts; (env, events)."""
    from pdca.application.service import PdcaApplication, new_cycle
    from pdca.application.workspace import open_workspace
    from pdca.domain.cycle import Cycle

    env = {**os.environ, "PDCA_DB": url, "PDCA_WORKSPACE": str(root), "PDCA_LOG_LEVEL": "warning"}
    env.pop("PDCA_ACTOR", None)
    pdca(env, "init", str(root))
    app = PdcaApplication(open_workspace(str(root), url))
    started = time.perf_counter()
    populate(app, units, 1, FIRST_YEAR, seed=7)
    schemes = {s: app.workspace.scheme(s) for s in ("jilin", "gansu")}
    live = [new_cycle(n, LIVE, schemes[scheme_for(c)], ACTOR) for n, c in roster_of(units)]
    for cycle in live:
        for no in range(1, TASKS + 1):
            cycle.record(
                Cycle.TaskAdded,
                task_no=no,
                title=f"任务{no}",
                deadline=date(int(LIVE), 12, 31),
                indicator=None,
                actor=ACTOR,
            )
        cycle.record(Cycle.TaskListPublished, task_count=TASKS, actor=ACTOR)
        _advance_to(cycle, schemes[cycle.scheme_id], "do")
    app.save(*live)
    runtime = app.projection_runtime()
    runtime.catch_up(*sorted(runtime.builtin))
    events = app.recorder.max_notification_id() or 0
    app.close()
    owner = json.loads(pdca(env, "account", "list", "--json"))["owner"]
    pdca(env, "account", "add", owner, "--person", "基准-管理员", "--role", "admin",
         "--role", "service")  # fmt: skip
    pdca(env, "account", "add", SUPERVISOR, "--person", ACTOR, "--role", "supervisor")
    once = json.loads(pdca(env, "account", "password", SUPERVISOR, "--json"))["password"]
    print(f"  built {events:,} events in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return {**env, "PDCA_ONE_TIME": once}, events


# ---- the server and its clients --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    env: dict[str, str], threads: int, log: Path, workers: int = 1
) -> Iterator[tuple[int, int]]:
    """``pdca serve`` in a process of its own (and its workers'): (port, pid)."""
    port = free_port()
    options = {"--port": port, "--threads": threads, "--workers": workers}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [PDCA, "serve", *(str(x) for pair in options.items() for x in pair)],
            env={**env, "PDCA_SESSION_SECRET": SECRET},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_listening(process, port, log)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


@contextmanager
def floor_server(env: dict[str, str], threads: int, log: Path) -> Iterator[int]:
    """The least server the issue allows (``bench/serve_floor.py``) on the same
    database, in a process of its own: its port."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "serve_floor:app", "--app-dir",
             str(Path(__file__).resolve().parent), "--port", str(port), "--no-access-log",
             "--log-level", "warning"],
            env={**env, "PDCA_POOL_SIZE": str(threads)},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        _wait_listening(process, port, log)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited: {log.read_text(encoding='utf-8')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)


@dataclass
class Client:
    """One browser: a keep-alive connection, its cookies and the last form's token."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None
    csrf: str = ""  # the token of this browser's CSRF cookie, for its form posts
    location: str = ""  # where the last answer redirected to

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        try:
            return self._request(method, path, form)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection left idle between measures: it
            # read nothing of this request, so sending it again is safe.
            self.conn = None
            return self._request(method, path, form)

    def _request(self, method: str, path: str, form: dict[str, str] | None) -> tuple[int, str]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        answer = self.conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        self.location = answer.getheader("Location") or ""
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return answer.status, text

    def token(self, path: str) -> str:
        status, text = self.request("GET", path)
        found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', text)
        if found is None:
            raise SystemExit(f"no CSRF token on {path} ({status})")
        return found.group(1)

    def log_in(self, password: str) -> int:
        form = {"login": SUPERVISOR, "password": password, "next": "/"}
        return self.request("POST", "/login", {**form, "csrf_token": self.token("/login")})[0]


def first_login(port: int, once: str) -> None:
    client = Client(port)
    client.log_in(once)
    form = {"old": once, "new": PASSWORD, "again": PASSWORD}
    status, text = client.request(
        "POST", "/password", {**form, "csrf_token": client.token("/password")}
    )
    if status != 303:
        raise SystemExit(f"password change refused ({status}): {text[:300]}")


def clients(port: int, count: int) -> list[Client]:
    made = []
    for _ in range(count):
        client = Client(port)
        if client.log_in(PASSWORD) != 303:
            raise SystemExit("the supervisor could not log in")
        client.csrf = client.token("/")
        made.append(client)
    return made


def run(workers: list[Callable[[int], float]], total: int) -> tuple[list[float], float]:
    """Each worker called with a request number until ``total`` are done between them;
    their latencies (s) and the wall time."""
    latencies: list[float] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    numbers = iter(range(total))

    def loop(worker: Callable[[int], float]) -> None:
        while not failures:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            try:
                took = worker(n)
            except BaseException as exc:  # said once, after every thread has stopped
                failures.append(exc)
                return
            with lock:
                latencies.append(took)

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"a client failed: {failures[0]!r}")
    return latencies, time.perf_counter() - started


#: Answers other than the one expected, by page: (status, first line), counted.
FAILED: dict[tuple[str, int, str], int] = {}


def timed(call: Callable[[], tuple[int, str]], want: int, page: str = "") -> float:
    """The latency of one request; an answer other than ``want`` is counted (and said at
    the end of its measure), not fatal: a failure under load is a figure too."""
    started = time.perf_counter()
    status, text = call()
    took = time.perf_counter() - started
    if status != want:
        first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:120]
        key = (page, status, first)
        FAILED[key] = FAILED.get(key, 0) + 1
    return took


def failures_said() -> tuple[str, int]:
    said = "; ".join(f"{n}× {page} {status} {first}" for (page, status, first), n in FAILED.items())
    count = sum(FAILED.values())
    FAILED.clear()
    return said, count


def percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return (
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
    )


# ---- the measures ----------------------------------------------------------------------


def page_workers(kind: str, pool: list[Client], names: list[str]) -> list[Callable[[int], float]]:
    year = str(FIRST_YEAR)

    def make(client: Client, slot: int) -> Callable[[int], float]:
        def ranking(n: int) -> float:
            return timed(lambda: client.request("GET", f"/ranking?period={year}"), 200, kind)

        def unit(n: int) -> float:
            path = f"/cycles/{quote(names[n % len(names)])}/{year}"
            return timed(lambda: client.request("GET", path), 200, kind)

        def post(n: int) -> float:
            # Each client reports on units of its own, so no two posts race for a cycle.
            name = names[(slot + n * len(pool)) % len(names)]
            form = {"task": str(n % TASKS + 1), "progress": str(n % 100), "note": "基准",
                    "csrf_token": client.csrf}  # fmt: skip
            path = f"/cycles/{quote(name)}/{LIVE}/task_report"
            return timed(lambda: client.request("POST", path, form), 303, kind)

        def post_page(n: int) -> float:
            # As a browser does: the post, then the page it redirects to, which waits
            # for the views to reach the post's event (``?at=N``).
            started = time.perf_counter()
            post(n)
            if client.location:
                timed(lambda: client.request("GET", client.location), 200, kind)
            return time.perf_counter() - started

        return {"ranking": ranking, "unit": unit, "post": post, "post+page": post_page}[kind]

    return [make(c, i) for i, c in enumerate(pool)]


class RawSaves:
    """``Application.save``, one event per call, in ``threads`` threads: the library's
    own write rate on the same database, measured between the server's rounds."""

    def __init__(self, url: str, root: Path, names: list[str], threads: int) -> None:
        from pdca.application.service import PdcaApplication
        from pdca.application.workspace import open_workspace

        # Its pool sized to its threads, as ``pdca serve`` sizes its own (PostgreSQL).
        os.environ["PDCA_POOL_SIZE"] = str(threads)
        try:
            self.app = PdcaApplication(open_workspace(str(root), url))
        finally:
            os.environ.pop("PDCA_POOL_SIZE", None)
        self.mine = [names[t::threads][:20] for t in range(threads)]

    def run(self, total: int) -> float:
        """The wall time of ``total`` saves between the threads."""
        from pdca.domain.cycle import Cycle

        app = self.app
        # Each thread its own cycles, loaded before the clock starts (the server's posts
        # of the round before may have moved them): the save alone is measured.
        loaded = [[app.get_cycle(f"{n}/{LIVE}") for n in names] for names in self.mine]

        def make(cycles: list[Cycle]) -> Callable[[int], float]:
            def save(n: int) -> float:
                cycle = cycles[n % len(cycles)]
                started = time.perf_counter()
                cycle.record(
                    Cycle.TaskReported, task_no=1, progress=n % 100, note="基准", actor=ACTOR
                )
                app.save(cycle)
                return time.perf_counter() - started

            return save

        return run([make(c) for c in loaded], total)[1]

    def close(self) -> None:
        self.app.close()


def tree(pid: int) -> list[int]:
    """``pid`` and the processes it started (``pdca serve --workers``' workers)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` and its workers so far, every thread."""
    total = 0
    for each in tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Writes:
    """One client count's write measure: totals over its interleaved rounds."""

    served: int = 0
    served_wall: float = 0.0
    served_cpu: float = 0.0  # the server process's, every thread (follower included)
    floor: int = 0  # the least server's posts (``bench/serve_floor.py``)
    floor_wall: float = 0.0
    saved: int = 0
    saved_wall: float = 0.0
    saved_cpu: float = 0.0  # this process's, while only the raw saves run
    failed: str = ""


def writes_side_by_side(
    port: int, pid: int, floor: int, env: dict[str, str], names: list[str], count: int,
    total: int, rounds: int,
) -> Writes:  # fmt: skip
    """Server posts, the least server's posts and raw saves in alternating rounds of
    ``total`` each, so a change of the machine's load (it is shared) falls on all alike."""
    pool = clients(port, count)
    posts = page_workers("post", pool, names)
    # The least server checks no session: its clients post the same forms, logged out.
    least = page_workers("post", [Client(floor) for _ in range(count)], names)
    raw = RawSaves(env["PDCA_DB"], Path(env["PDCA_WORKSPACE"]), names, count)
    found = Writes()
    try:
        for _ in range(rounds):
            cpu = cpu_seconds(pid)
            _, wall = run(posts, total)
            found.served_cpu += cpu_seconds(pid) - cpu
            failed, lost = failures_said()
            found.failed = "; ".join(x for x in (found.failed, failed) if x)
            found.served += total - lost  # those recorded
            found.served_wall += wall
            # Its cycles loaded before the clock starts, as the raw saves load theirs.
            warm = http.client.HTTPConnection("127.0.0.1", floor, timeout=300)
            warm.request("POST", "/warm", body="\n".join(f"{n}/{LIVE}" for n in names).encode())
            warm.getresponse().read()
            warm.close()
            _, wall = run(least, total)
            failed, lost = failures_said()
            found.failed = "; ".join(x for x in (found.failed, failed and f"floor: {failed}") if x)
            found.floor += total - lost
            found.floor_wall += wall
            cpu = time.process_time()
            found.saved_wall += raw.run(total)
            found.saved_cpu += time.process_time() - cpu
            found.saved += total
    finally:
        raw.close()
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory(
    port: int, pid: int, names: list[str], total: int, threads: int, every: int
) -> list[int]:
    """The server's RSS (KiB) before and at each tenth of ``total`` requests: the home
    page mostly (cheap, so 100,000 of them fit in minutes), and one in ``every`` each a
    unit's page, the ranking and a form post."""
    pool = clients(port, threads)
    heavy = {k: page_workers(k, pool, names) for k in ("unit", "ranking", "post")}

    def make(slot: int) -> Callable[[int], float]:
        client = pool[slot]

        def mixed(n: int) -> float:
            kind = {0: "unit", 1: "ranking", 2: "post"}.get(n % every)
            if kind is not None:
                return heavy[kind][slot](n // every)
            return timed(lambda: client.request("GET", "/"), 200, "home")

        return mixed

    workers = [make(i) for i in range(len(pool))]
    samples = [max(rss_kib(p) for p in tree(pid))]  # the largest process's
    step = max(total // 10, 1)
    for _ in range(10):
        run(workers, step)
        samples.append(max(rss_kib(p) for p in tree(pid)))
    return samples


def bench(kind: str, args: argparse.Namespace) -> None:
    root = Path(args.dir) / kind
    kept = root / "bench.json"  # what --reuse needs of a workspace built before (SQLite)
    if args.reuse and kept.is_file():
        env, events = json.loads(kept.read_text(encoding="utf-8"))
        with server(env, args.threads, root / "serve.log", args.workers) as (port, pid):
            measure(kind, args, env, events, port, pid, args.memory_only)
        return
    if root.exists():
        shutil.rmtree(root)
    with database(kind, args.pg) as url:
        env, events = build(root, url, args.units)
        kept.write_text(json.dumps([env, events]), encoding="utf-8")
        with server(env, args.threads, root / "serve.log", args.workers) as (port, pid):
            first_login(port, env["PDCA_ONE_TIME"])
            measure(kind, args, env, events, port, pid, args.memory_only)


def measure(
    kind: str,
    args: argparse.Namespace,
    env: dict[str, str],
    events: int,
    port: int,
    pid: int,
    memory_only: bool,
) -> None:
    names = [n for n, _ in roster_of(args.units)]
    print(f"\n== {kind}: {args.units} units, {events:,} events", flush=True)
    if not memory_only:
        print("clients  page       p50 ms   p95 ms   req/s")
        for count in args.clients if not args.writes_only else ():
            pool = clients(port, count)
            for page in ("ranking", "unit", "post", "post+page"):
                total = max(args.requests, count)
                latencies, wall = run(page_workers(page, pool, names), total)
                p50, p95 = percentiles(latencies)
                failed, _ = failures_said()
                print(
                    f"{count:>7}  {page:<9} {p50:8.1f} {p95:8.1f} {total / wall:7.1f}"
                    + (f"  failed: {failed}" if failed else ""),
                    flush=True,
                )
        print(
            f"\nwrites: server posts, the least server's posts (bench/serve_floor.py: form,"
            f" thread hop, one save) and raw saves, {args.rounds} alternating rounds each"
            " (CPU ms per write: the server process's, follower included; the raw saver's)"
            "\nclients  server/s  floor/s  raw/s   server÷raw  floor÷raw  server÷floor"
            "  server CPU  raw CPU  load"
        )
        log = Path(env["PDCA_WORKSPACE"]) / "floor.log"
        with floor_server(env, args.threads, log) as floor:
            for count in args.clients:
                total = max(args.requests, count)
                w = writes_side_by_side(port, pid, floor, env, names, count, total, args.rounds)
                served, least = w.served / w.served_wall, w.floor / w.floor_wall
                saved = w.saved / w.saved_wall
                print(
                    f"{count:>7}  {served:8.1f} {least:8.1f} {saved:6.1f}"
                    f"  {served / saved:10.2f} {least / saved:10.2f} {served / least:13.2f}"
                    f"  {1000 * w.served_cpu / w.served:10.2f}"
                    f" {1000 * w.saved_cpu / w.saved:8.2f}  {os.getloadavg()[0]:4.1f}"
                    + (f"  failed: {w.failed}" if w.failed else ""),
                    flush=True,
                )
    samples = memory(port, pid, names, args.memory_requests, 8, args.heavy_every)
    failed, _ = failures_said()
    mib = [s / 1024 for s in samples]
    print(
        f"\nserver RSS (the largest process) over {args.memory_requests:,} requests (MiB, each"
        " tenth): "
        + " ".join(f"{m:.0f}" for m in mib)
        + f"; after the first tenth {mib[1]:.0f} → end {mib[-1]:.0f}"
        + (f"; failed: {failed}" if failed else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="where the workspaces are made (emptied first)")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=600, help="per page and concurrency")
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument("--clients", type=lambda s: [int(c) for c in s.split(",")],
                        default=[1, 8, 32])  # fmt: skip
    parser.add_argument("--threads", type=int, default=8, help="the server's threads")
    parser.add_argument(
        "--workers", type=int, default=1, help="the server's processes (pdca serve --workers)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3,
        help="write measure: alternating rounds of --requests server posts and raw saves",
    )  # fmt: skip
    parser.add_argument(
        "--heavy-every", type=int, default=100,
        help="in the memory run, one request in this many each a unit page, ranking, post",
    )  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="SQLite: the workspace built before")
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--writes-only", action="store_true", help="no latency table")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg", default=os.environ.get("PDCA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    if args.units < max(args.clients):
        parser.error("--units must be at least the most clients (each has units of its own)")
    random.seed(7)
    for kind in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        bench(kind, args)


if __name__ == "__main__":
    main()
