"""Local time (issue 12, item 3): each database has one time zone, kept in its marker;
typed times without an offset mean that zone, a date alone in ``--as-of`` the end of that
day, ``--today`` today there; every time shown is in that zone with its offset — whatever
the machine's zone (``TZ``) and whatever folder the command runs in. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from pdca_cli import cli

from tests.conftest import PG_DSN, Workspace, _pg_connect, drop_pg_schema
from tests.e2e.test_subprocess import PDCA
from tests.integration.test_storage_edge import one_error_line

SHANGHAI = ZoneInfo("Asia/Shanghai")
C = "市财政局/2024"
#: Any instant a command prints: ISO 8601 or as a table spells it, with what follows.
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(\S{0,6})", re.ASCII)


@contextmanager
def machine_zone(name: str) -> Iterator[None]:
    """Run as if on a machine set to ``name`` (what ``date.today()`` and a bare
    ``astimezone()`` read)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def _finding(ws: Workspace, evidence: str) -> None:
    ws.ok(
        "finding", "record", C, "--source", "暗访", "--indicator", "discipline",
        "--points", "-1", "--observed-on", "2024-05-06", "--evidence", evidence,
    )  # fmt: skip


def _cycle_doing(ws: Workspace) -> None:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", C, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")


def _last(ws: Workspace) -> tuple[int, datetime]:
    """The cycle's last event: its position, and when it was recorded (the instant)."""
    last = json.loads(ws.ok("history", C, "--json").output)[-1]
    return last["position"], datetime.fromisoformat(last["recorded_at"])


def _set_marker(ws: Workspace, statement: str) -> None:
    if ws.backend == "sqlite":
        import sqlite3

        with sqlite3.connect(ws.root / "pdca.sqlite3") as conn:
            conn.execute(statement)
    else:
        with _pg_connect() as conn:
            conn.execute(f'SET search_path TO "{ws.schema}"')
            conn.execute(statement)


# ---- seen on main ------------------------------------------------------------------------


def test_as_of_a_local_time_excludes_an_event_recorded_after_it(workspace: Workspace) -> None:
    # Seen on main: under TZ=Asia/Shanghai, --as-of 2026-11-27T21:13:55 (local, no offset)
    # was read as UTC, eight hours later, and included an event recorded after it.
    ws = workspace
    with machine_zone("Asia/Shanghai"):
        _cycle_doing(ws)
        time.sleep(1.1)  # the finding's second is not the second the cycle opened in
        _finding(ws, "工作时间网购")
        position, recorded = _last(ws)
        # T: the finding's recorded time as the supervisor's wall clock in Shanghai shows
        # it, to the second and without an offset — worked out here from the stored
        # instant, not taken from pdca's display.
        t = recorded.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)
        before = (t - timedelta(seconds=1)).isoformat()
        at = t.isoformat()
        assert "+" not in before and "+" not in at

        excluded = json.loads(ws.ok("explain", C, "--as-of", before, "--json").output)
        assert excluded["head_position"] < position
        assert "工作时间网购" not in json.dumps(excluded, ensure_ascii=False)
        assert "工作时间网购" not in ws.ok("explain", C, "--as-of", before).output

        included = json.loads(ws.ok("explain", C, "--as-of", at, "--json").output)
        assert included["head_position"] == position
        assert "工作时间网购" in json.dumps(included, ensure_ascii=False)
        # The cut-off the answer used: the end of second T, in the database's zone.
        assert included["as_of"] == f"{at}.999999+08:00"


def test_a_date_alone_in_as_of_means_the_end_of_that_day_in_the_zone(
    workspace: Workspace,
) -> None:
    ws = workspace
    with machine_zone("America/New_York"):  # 12 or 13 hours behind Shanghai
        _cycle_doing(ws)
        _finding(ws, "缺席")
        position, recorded = _last(ws)
        local_day = recorded.astimezone(SHANGHAI).date()
        that_day = json.loads(ws.ok("explain", C, "--as-of", str(local_day), "--json").output)
        assert that_day["head_position"] == position
        assert that_day["as_of"] == f"{local_day}T23:59:59.999999+08:00"
        day_before = str(local_day - timedelta(days=1))
        assert "尚未开启" in ws.refused("explain", C, "--as-of", day_before)


# ---- every time shown is in the zone, with its offset ------------------------------------


def test_every_time_shown_is_in_the_zone_with_its_offset(workspace: Workspace) -> None:
    ws = workspace
    with machine_zone("America/New_York"):
        _cycle_doing(ws)
        _finding(ws, "迟到")
        ws.ok("cycle", "advance", C, "start_check")
        ws.ok("rectify", "order", C, "--problem", "迟到", "--owner", "王五", "--due", "2099-01-01")
        item = json.loads(ws.ok("rectify", "list", "--json").output)[0]["id"]
        shown = [
            ("history", C),
            ("history", C, "--json"),
            ("explain", C),
            ("explain", C, "--json"),
            ("explain", C, "--as-of", "2030-01-01", "--json"),
            ("ledger", "2024", "--json"),
            ("view", "ledger", "--json"),
            ("export", "ledger", "2024", "--format", "csv"),
            ("export", "ledger", "2024", "--format", "json"),
            ("rectify", "show", item),
            ("rectify", "show", item, "--json"),
            ("projections", "status"),
            ("projections", "status", "--json"),
        ]
        seen = 0
        for args in shown:
            out = ws.ok(*args).output
            for found in INSTANT.finditer(out):
                assert found[1].startswith("+08:00"), (args, found[0])
                seen += 1
        assert seen > 20


def test_vetoes_and_rounds_show_their_times_in_the_zone(workspace: Workspace) -> None:
    from tests.scenarios._year import advance
    from tests.scenarios.test_soe import PERIOD, year_unit

    ws = workspace
    # test_soe's 能源公司 (figures worked there), vetoed by decision.
    energy = year_unit(
        ws, "能源公司", ("20", "12", "15", "20", "24", "10"), ("40", "29", "29"), "好",  # 好 → 100 (soe.toml opinions)
        {"leaders": [96, 97, 99], "middle": [97, 97, 97], "masses": [90, 97, 97, 100]},
    )  # fmt: skip
    assert advance(ws, energy, "start_assess") == "act.assess"
    with machine_zone("America/New_York"):
        ws.ok(
            "veto", "apply", energy, "--rule", "serious_discipline", "--reason", "通报",
            "--evidence", "市纪委通报", "--observed-on", "2024-06-03",
        )  # fmt: skip
        ws.ok("round", "open", PERIOD, "--scheme", "soe")
        ws.ok("round", "finalize", PERIOD)
        shown = [
            ("explain", energy, "--json"),
            ("export", "scores", PERIOD, "--format", "json"),
            ("export", "scores", PERIOD, "--format", "csv"),
            ("view", "scores", "--json"),
            ("round", "show", PERIOD),
            ("round", "show", PERIOD, "--json"),
        ]
        for args in shown:
            out = ws.ok(*args).output
            found = [m for m in INSTANT.finditer(out)]
            assert found, args
            assert all(m[1].startswith("+08:00") for m in found), (args, out)


def test_the_answers_do_not_change_with_the_machines_zone(workspace: Workspace) -> None:
    ws = workspace
    _cycle_doing(ws)
    _finding(ws, "迟到")
    asked = [
        ("history", C, "--json"),
        ("explain", C, "--json"),
        ("explain", C, "--as-of", "2030-01-01T08:00", "--json"),
        ("ledger", "2024", "--json"),
        ("export", "ledger", "2024", "--format", "csv"),
    ]
    answers = {}
    for zone in ("Asia/Shanghai", "UTC", "America/New_York"):
        with machine_zone(zone):
            answers[zone] = [ws.ok(*args).output for args in asked]
    assert answers["UTC"] == answers["Asia/Shanghai"] == answers["America/New_York"]


def test_today_is_the_databases_today_not_the_machines(workspace: Workspace) -> None:
    # Kiritimati (UTC+14) and Pago Pago (UTC−11) are 25 hours apart: at any moment at
    # least one of them is on another date than Shanghai (UTC+8). pdca's "today" is
    # Shanghai's on both.
    ws = workspace
    year = str(datetime.now(SHANGHAI).year)
    cycle = f"市财政局/{year}"
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", year, "--scheme", "jilin")
    ws.ok("task", "add", cycle, "任务", "--deadline", f"{year}-12-31")
    ws.ok("task", "publish", cycle)
    ws.ok("cycle", "advance", cycle, "start_do")
    finding = ("finding", "record", cycle, "--source", "暗访", "--indicator", "discipline")
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        with machine_zone(zone):
            today = datetime.now(SHANGHAI).date()
            board = json.loads(ws.ok("board", year, "--json").output)
            assert board["today"] == today.isoformat(), zone
            # The acting context's day: a finding observed today (in Shanghai) is not
            # "in the future"; one observed tomorrow is.
            ws.ok(*finding, "--points", "-1", "--observed-on", str(today), "--evidence", "当日")
            tomorrow = today + timedelta(days=1)
            if str(tomorrow.year) == year:
                line = ws.refused(
                    *finding, "--points", "-1", "--observed-on", str(tomorrow), "--evidence", "明日"
                )
                assert line == f"错误：发现日期 {tomorrow} 晚于今天，不能记录尚未发生的发现"


def test_a_refusal_names_its_time_in_the_zone(workspace: Workspace) -> None:
    ws = workspace
    _cycle_doing(ws)
    # 2024-01-01T00:00:00Z is 08:00:00 in Shanghai; the cut-off is the end of that second.
    line = ws.refused("explain", C, "--as-of", "2024-01-01T00:00:00Z")
    assert line == f"错误：2024-01-01 08:00:00+08:00 时周期 {C} 尚未开启"
    # A request id used before names when, in the zone (the machine's zone is not asked).
    with machine_zone("America/New_York"):
        ws.ok("unit", "add", "市委办", "--category", "党政机关", "--request-id", "r-1")
        _, opened = _last(ws)
        line = ws.refused(
            "unit", "add", "市教育局", "--category", "党政机关", "--request-id", "r-1"
        )
    when = re.search(r"已于 (\S+ \S+) 由", line)
    assert when is not None and when[1].endswith("+08:00"), line
    # The same instant, not a UTC wall clock labelled +08:00 (that would be 8 hours off): the
    # request was recorded within moments of the cycle's last event.
    assert abs(datetime.fromisoformat(when[1]) - opened) < timedelta(minutes=2)


# ---- the zone is the database's: chosen at init, kept, never the folder's --------------


@pytest.fixture
def urumqi(backend: str, tmp_path: Path) -> Iterator[Workspace]:
    """A new database made with ``pdca init --time-zone Asia/Urumqi`` (UTC+6)."""
    root = tmp_path / "乌鲁木齐"
    if backend == "sqlite":
        yield _urumqi(Workspace(root, "sqlite:///pdca.sqlite3", "sqlite"))
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{PG_DSN.replace('postgresql://', 'postgresql+psycopg://')}?schema={schema}"
    try:
        yield _urumqi(Workspace(root, url, "postgresql", schema))
    finally:
        drop_pg_schema(schema)


def _urumqi(ws: Workspace) -> Workspace:
    made = ws.runner.invoke(
        cli, ["init", str(ws.root), "--time-zone", "Asia/Urumqi", "--json"], env=ws.env
    )
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["time_zone"] == "Asia/Urumqi"
    return ws


def test_init_keeps_the_zone_asked_for_and_every_time_is_shown_in_it(urumqi: Workspace) -> None:
    ws = urumqi
    assert ws.sql("SELECT value FROM pdca_meta WHERE key = 'time_zone'") == [("Asia/Urumqi",)]
    assert "时区：Asia/Urumqi" in ws.ok("init", str(ws.root)).output  # kept when run again
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    with machine_zone("Asia/Shanghai"):  # the database's zone, not the machine's
        history = json.loads(ws.ok("history", C, "--json").output)
        assert history[0]["recorded_at"].endswith("+06:00")
        # 2024-01-01T00:00 typed in Urumqi is 2023-12-31T18:00 UTC; the cut-off is the
        # end of that minute, shown in Urumqi's zone.
        line = ws.refused("explain", C, "--as-of", "2024-01-01T00:00")
        assert line == f"错误：2024-01-01 00:00:59+06:00 时周期 {C} 尚未开启"


def test_init_refuses_another_zone_for_an_existing_database_and_writes_nothing(
    workspace: Workspace,
) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    config = (ws.root / "pdca.toml").read_text(encoding="utf-8")
    line = ws.refused("init", str(ws.root), "--time-zone", "UTC")
    assert line == (
        "错误：数据库的时区是 Asia/Shanghai（初始化时确定），不能改为 UTC：已记录的时刻与"
        "不带时差的输入都按它解读；要用 UTC，请新建工作区"
    )
    assert ws.sql("SELECT value FROM pdca_meta WHERE key = 'time_zone'") == [("Asia/Shanghai",)]
    assert (ws.root / "pdca.toml").read_text(encoding="utf-8") == config
    ws.ok("init", str(ws.root), "--time-zone", "Asia/Shanghai")  # the zone it has: fine


def test_a_zone_that_is_no_zone_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("Mars/Olympus_Mons", "asia/shanghai", "localtime", "../../etc/passwd", "+08:00"):
        target = tmp_path / "新工作区"
        result = runner.invoke(cli, ["init", str(target), "--time-zone", name], env={"PDCA_DB": ""})
        assert result.exit_code == 1, result.output
        assert result.output == (
            f"错误：未知时区 '{name}'；应为 IANA 时区名，如 Asia/Shanghai、Asia/Urumqi、"
            "Asia/Hong_Kong、UTC\n"
        )
        assert not target.exists()


def test_a_database_made_before_zones_were_recorded_reads_as_shanghai(
    workspace: Workspace,
) -> None:
    ws = workspace
    _cycle_doing(ws)
    _set_marker(ws, "DELETE FROM pdca_meta WHERE key = 'time_zone'")
    with machine_zone("UTC"):  # never the machine's zone, never UTC
        history = json.loads(ws.ok("history", C, "--json").output)
        assert all(h["recorded_at"].endswith("+08:00") for h in history)
    # It holds events: another zone would change every answer given so far.
    line = ws.refused("init", str(ws.root), "--time-zone", "UTC")
    assert "数据库的时区是 Asia/Shanghai（记录时区之前已有事件，按默认时区解读）" in line
    # init records the zone it reads as.
    ws.ok("init", str(ws.root))
    assert ws.sql("SELECT value FROM pdca_meta WHERE key = 'time_zone'") == [("Asia/Shanghai",)]


def test_a_zone_in_pdca_toml_is_refused_not_ignored(workspace: Workspace) -> None:
    ws = workspace
    config = ws.root / "pdca.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[time]\ntime_zone = "UTC"\n')
    line = one_error_line(ws.run("history", C))
    assert line == (
        f"错误：{config} 中的 time.time_zone 不起作用：时区保存在数据库中，建库时由 "
        "pdca init --time-zone 确定，之后不能更改；请删去这一项"
    )


def test_a_zone_the_machine_does_not_know_is_refused(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    _set_marker(ws, "UPDATE pdca_meta SET value = 'Mars/Olympus_Mons' WHERE key = 'time_zone'")
    line = one_error_line(ws.run("cycle", "open", "市财政局", "2024", "--scheme", "jilin"))
    assert "数据库记录的时区 'Mars/Olympus_Mons' 在本机无法识别" in line
    assert ws.event_count() == 1


# ---- real processes: the machine's zone, and no zone database but tzdata ----------------


def test_real_processes_answer_alike_in_any_zone_even_without_the_os_zone_database(
    workspace: Workspace,
) -> None:
    ws = workspace
    _cycle_doing(ws)

    def run(**extra: str) -> str:
        done = subprocess.run(
            [PDCA, "history", C, "--json"],
            env={**os.environ, **ws.env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    shanghai = run(TZ="Asia/Shanghai")
    assert run(TZ="UTC") == run(TZ="America/New_York") == shanghai
    # PYTHONTZPATH empty: zoneinfo finds no zone files and reads the tzdata package.
    assert run(TZ="UTC", PYTHONTZPATH="") == shanghai
    assert all(h["recorded_at"].endswith("+08:00") for h in json.loads(shanghai))
