"""Refused facts: a clear one-line answer, and nothing written (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Workspace

CYCLE = "甲局/2024"


def in_check(ws: Workspace) -> None:
    ws.ok("unit", "add", "甲局", "--category", "党政机关")
    ws.ok("cycle", "open", "甲局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", CYCLE, "任务", "--deadline", "2024-06-30")
    ws.ok("task", "publish", CYCLE)
    ws.ok("cycle", "advance", CYCLE, "start_do")


refused = Workspace.refused


def finding(
    *extra: str, observed: str = "2024-05-12", points: str = "-2", indicator: str = "discipline"
) -> tuple[str, ...]:
    return (
        "finding",
        "record",
        CYCLE,
        "--source",
        "暗访",
        "--indicator",
        indicator,
        "--points",
        points,
        "--observed-on",
        observed,
        "--evidence",
        "工作时间网购",
        *extra,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            finding(observed="2023-12-31"),
            "发现日期 2023-12-31 不在考核期 2024（2024-01-01 至 2024-12-31）内",
        ),
        (
            finding(indicator="nosuch"),
            "未知台账指标 'nosuch'；方案 jilin@2024.1 的台账指标（ID 或名称）：participation（参与度）",
        ),
        (finding(points="-30"), "单条记录的分值 -30 超出范围；允许 -25 至 0"),
        (finding(points="abc"), "分值 'abc' 不是数值"),
        (
            (
                "finding",
                "record",
                CYCLE,
                "--source",
                "传闻",
                "--indicator",
                "discipline",
                "--points",
                "-1",
                "--observed-on",
                "2024-05-01",
                "--evidence",
                "e",
            ),
            "未知来源 '传闻'；允许：暗访、督查、调研、互检",
        ),
        (
            ("ballot", "issue", CYCLE, "--group", "masses", "--count", "3"),
            "当前阶段为执行，不能发放测评票；只能在以下阶段：督查",
        ),
        (
            ("veto", "apply", CYCLE, "--rule", "x", "--reason", "r", "--evidence", "e"),
            "不能实施一票否决",
        ),
        (("round", "finalize", "2024"), "考核期 2024 没有考核轮次"),
    ],
)
def test_bad_facts_are_refused(workspace: Workspace, args: tuple[str, ...], expected: str) -> None:
    in_check(workspace)
    assert expected in refused(workspace, *args)


def test_a_ballot_token_is_used_once_and_a_bad_batch_writes_nothing(
    workspace: Workspace, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws = workspace
    in_check(ws)
    ws.ok("cycle", "advance", CYCLE, "start_check")
    tokens = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "3", "--json").output
    )["tokens"]
    marks = ["duty=20", "report=20", "answers=20", "daily_work=20", "rectification=18"]
    ws.ok("ballot", "cast", CYCLE, "--token", tokens[0], *marks)
    assert "已使用过，每张票只能投一次" in refused(
        ws, "ballot", "cast", CYCLE, "--token", tokens[0], *marks
    )
    assert "分数 21 超出范围；允许 0 至 20" in refused(
        ws, "ballot", "cast", CYCLE, "--token", tokens[1], *marks[:-1], "rectification=21"
    )
    assert "缺少 rectification" in refused(
        ws, "ballot", "cast", CYCLE, "--token", tokens[1], *marks[:-1]
    )
    # A file whose second row reuses the first row's token: the whole file is refused.
    path = tmp_path / "b.csv"
    path.write_text(
        "token,duty,report,answers,daily_work,rectification\n"
        f"{tokens[1]},18,18,18,18,18\n{tokens[1]},17,17,17,17,17\n",
        encoding="utf-8",
    )
    assert "第 2 张票" in refused(ws, "ballot", "import", CYCLE, str(path))
    # No voter identity is stored: the event holds the token's digest, never the token.
    rows = ws.sql(f"SELECT state FROM {ws.events_table}")
    stored = b"".join(bytes(r[0]) for r in rows)
    assert tokens[0].encode() not in stored and tokens[1].encode() not in stored


def test_finalize_waits_for_every_cycle_to_reach_act(workspace: Workspace) -> None:
    ws = workspace
    in_check(ws)
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    assert "还有周期未进入处理阶段，不能定稿：甲局/2024（do）" in refused(
        ws, "round", "finalize", "2024"
    )
    assert "考核轮次 2024（方案 jilin）已开启" in refused(
        ws, "round", "open", "2024", "--scheme", "jilin"
    )
