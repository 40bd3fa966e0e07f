"""Bad input at the storage edge: one ``Error:`` line, exit 6, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pdca_cli import cli

from tests.conftest import Workspace, _pg_connect

# A port nothing listens on; the library's own per-application override keeps the
# pool from retrying for the default five seconds.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"
FAST = {"PDCA_POSTGRES_CONNECT_TIMEOUT": "1", "PDCA_ACTOR": "督查组-张三"}


def one_error_line(result: Result) -> str:
    assert result.exit_code == 6, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_a_database_written_by_a_newer_pdca_is_refused(workspace: Workspace) -> None:
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    if ws.backend == "sqlite":
        ws.sql("UPDATE pdca_meta SET value = '99' WHERE key = 'format'")
    else:
        with _pg_connect() as conn:
            conn.execute(f"UPDATE \"{ws.schema}\".pdca_meta SET value = '99' WHERE key = 'format'")
    line = ws.refused("unit", "add", "市委办", "--category", "党政机关")
    assert "更新版本的 pdca 写入（存储格式 99" in line and "请升级 pdca" in line
    for command in (("verify",), ("init", str(ws.root))):
        assert "存储格式 99" in one_error_line(ws.run(*command))
    # Not even the marker moved.
    assert ws.sql("SELECT value FROM pdca_meta WHERE key = 'format'") == [("99",)]


def test_a_database_url_that_does_not_connect_writes_nothing(
    tmp_path: Path, sqlite_workspace: Workspace
) -> None:
    runner = CliRunner()
    target = tmp_path / "新工作区"
    line = one_error_line(runner.invoke(cli, ["--db", UNREACHABLE, "init", str(target)], env=FAST))
    assert "数据库 postgresql+psycopg://postgres@127.0.0.1:1/test 无法使用" in line
    assert not target.exists()

    # An existing workspace pointed at it: refused, its own database untouched.
    ws = sqlite_workspace
    before = ws.event_count()
    env = {**ws.env, **FAST, "PDCA_DB": UNREACHABLE}
    result = runner.invoke(cli, ["unit", "add", "市财政局", "--category", "党政机关"], env=env)
    assert "无法使用" in one_error_line(result)
    assert ws.event_count() == before


def test_an_sqlite_file_in_a_missing_folder_is_refused_before_the_workspace_is_made(
    tmp_path: Path,
) -> None:
    target = tmp_path / "ws"
    url = f"sqlite:///{tmp_path}/没有的目录/pdca.sqlite3"
    line = one_error_line(CliRunner().invoke(cli, ["--db", url, "init", str(target)], env=FAST))
    assert "所在的目录不存在" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command", [("unit", "add", "市财政局", "--category", "党政机关"), ("verify",)]
)
def test_a_workspace_that_does_not_exist_is_refused(tmp_path: Path, command: tuple) -> None:
    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(cli, ["--workspace", str(missing), *command], env=FAST)
    assert "不存在或未初始化" in one_error_line(result)
    assert not missing.exists()
