"""A whole cycle through the CLI (CliRunner) on SQLite and PostgreSQL; every refused
command leaves the event store exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Workspace

CYCLE = "市财政局/2024"


def setup_unit(ws: Workspace) -> None:
    ws.ok("unit", "add", "市财政局", "--category", "党政机关", "--grid", "第一片")


def open_cycle(ws: Workspace, scheme: str = "jilin") -> None:
    setup_unit(ws)
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", scheme)


def status(ws: Workspace) -> dict:
    return json.loads(ws.ok("cycle", "status", CYCLE, "--json").output)


refused = Workspace.refused


def test_a_cycle_runs_the_whole_loop_and_history_tells_it(workspace: Workspace) -> None:
    open_cycle(workspace)
    assert status(workspace)["stage"] == "plan"
    workspace.ok("task", "add", CYCLE, "落实三会一课制度", "--deadline", "2024-12-31")
    workspace.ok("task", "publish", CYCLE)
    for trigger, stage in [
        ("start_do", "do"),
        ("start_check", "check"),
        ("start_act", "act"),
        ("close", "closed"),
    ]:
        out = workspace.ok(
            "cycle", "advance", CYCLE, trigger, "--reason", f"按计划{trigger}", "--json"
        ).output
        assert json.loads(out)["stage"] == stage
    final = status(workspace)
    assert final["stage"] == "closed" and final["triggers"] == []

    history = json.loads(workspace.ok("history", CYCLE, "--json").output)
    assert [h["type"] for h in history] == [
        "Opened",
        "TaskAdded",
        "TaskListPublished",
        "StageAdvanced",
        "StageAdvanced",
        "StageAdvanced",
        "StageAdvanced",
    ]
    assert [h["position"] for h in history] == list(range(1, 8))
    assert {h["actor"] for h in history} == {"督查组-张三"}
    assert history[3]["summary"] == "计划 → 执行（start_do），理由：按计划start_do"
    assert history[-1]["summary"].startswith("处理 → 已结束（close）")
    assert workspace.event_count() == 8  # the unit's registration + the cycle's seven


def test_status_json_shape_and_blocked_reason(workspace: Workspace) -> None:
    open_cycle(workspace)
    data = status(workspace)
    assert {k: data[k] for k in ("cycle", "unit", "period", "scheme", "stage")} == {
        "cycle": CYCLE,
        "unit": "市财政局",
        "period": "2024",
        "scheme": "jilin@2024.1",
        "stage": "plan",
    }
    assert data["triggers"] == [
        {
            "name": "start_do",
            "label": "发布任务清单，开始执行",
            "to": "do",
            "allowed": False,
            "reason": "task_list_published：需要任务清单已发布（pdca task publish）",
        }
    ]


def test_json_flag_is_accepted_before_and_after_the_command(workspace: Workspace) -> None:
    open_cycle(workspace)
    before = json.loads(workspace.ok("--json", "cycle", "list").output)
    after = json.loads(workspace.ok("cycle", "list", "--json").output)
    assert (
        before
        == after
        == [
            {
                "cycle": CYCLE,
                "unit": "市财政局",
                "period": "2024",
                "scheme": "jilin@2024.1",
                "stage": "plan",
            }
        ]
    )


def test_cycle_list_filters_by_period_and_stage(workspace: Workspace) -> None:
    setup_unit(workspace)
    workspace.ok("unit", "add", "市教育局", "--category", "党政机关")
    workspace.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    workspace.ok("cycle", "open", "市教育局", "2024", "--scheme", "gansu")
    workspace.ok("cycle", "open", "市教育局", "2025", "--scheme", "gansu")
    for cmd in (
        ("task", "add", "市教育局/2024", "自查", "--deadline", "2024-06-30"),
        ("task", "publish", "市教育局/2024"),
        ("cycle", "advance", "市教育局/2024", "start_do"),
        ("cycle", "advance", "市教育局/2024", "start_self_check"),
    ):
        workspace.ok(*cmd)

    def listed(*a: str) -> list[str]:
        rows = json.loads(workspace.ok("cycle", "list", "--json", *a).output)
        return sorted(r["cycle"] for r in rows)

    assert listed("--period", "2024") == sorted(["市教育局/2024", "市财政局/2024"])
    assert listed("--stage", "督查") == ["市教育局/2024"]
    assert listed("--stage", "check.self_check") == ["市教育局/2024"]
    assert sorted(listed("--stage", "plan")) == ["市教育局/2025", "市财政局/2024"]
    human = workspace.ok("cycle", "list", "--stage", "check").output
    assert "督查·筹备自查" in human


def test_unit_list_shows_registered_units(workspace: Workspace) -> None:
    setup_unit(workspace)
    workspace.ok("unit", "add", "团市委", "--category", "群团组织")
    units = json.loads(workspace.ok("unit", "list", "--json").output)
    assert sorted(units, key=lambda u: u["unit"]) == sorted(
        [
            {"unit": "团市委", "category": "群团组织", "grid": None},
            {"unit": "市财政局", "category": "党政机关", "grid": "第一片"},
        ],
        key=lambda u: u["unit"],
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("cycle", "open", "无此单位", "2024", "--scheme", "jilin"), "未知单位 '无此单位'"),
        (("cycle", "open", "市财政局", "2024", "--scheme", "nosuch"), "未知方案 'nosuch'"),
        (
            ("cycle", "open", "市财政局", "二〇二四", "--scheme", "jilin"),
            "考核期 '二〇二四' 格式不对；允许：YYYY",
        ),
        (
            ("unit", "add", "市审计局", "--category", "外星机关"),
            "未知单位类别 '外星机关'；允许：党政机关、中直单位、群团组织、企事业单位",
        ),
        (("unit", "add", "市财政局", "--category", "党政机关"), "单位 '市财政局' 已登记"),
        (("cycle", "advance", "市财政局/2023", "start_do"), "未知周期 '市财政局/2023'"),
        (("cycle", "advance", "市财政局", "start_do"), "周期地址 '市财政局' 格式不对"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    workspace: Workspace, args: tuple[str, ...], expected: str
) -> None:
    setup_unit(workspace)
    assert expected in refused(workspace, *args)


def test_duplicate_cycle_is_refused(workspace: Workspace) -> None:
    open_cycle(workspace)
    message = refused(workspace, "cycle", "open", "市财政局", "2024", "--scheme", "gansu")
    assert "周期 '市财政局/2024' 已存在" in message


def test_each_refused_transition_says_why_and_writes_nothing(workspace: Workspace) -> None:
    open_cycle(workspace)
    # A trigger of another stage: the allowed ones are named.
    assert "触发器 'close' 在此阶段不可用：当前阶段为计划，可用触发器：start_do" in refused(
        workspace, "cycle", "advance", CYCLE, "close"
    )
    assert "触发器 'warp' 不存在" in refused(workspace, "cycle", "advance", CYCLE, "warp")
    # A failed guard: which one and why.
    assert "守卫未满足：task_list_published：需要任务清单已发布" in refused(
        workspace, "cycle", "advance", CYCLE, "start_do"
    )
    # Publishing an empty task list, a task in the wrong stage, after closing.
    assert "任务清单为空" in refused(workspace, "task", "publish", CYCLE)
    workspace.ok("task", "add", CYCLE, "自查", "--deadline", "2024-03-01")
    workspace.ok("task", "publish", CYCLE)
    assert "任务清单已发布，不能重复发布" in refused(workspace, "task", "publish", CYCLE)
    for trigger in ("start_do", "start_check", "start_act"):
        workspace.ok("cycle", "advance", CYCLE, trigger)
    assert "当前阶段为处理，不能添加任务；只能在以下阶段：计划、执行" in refused(
        workspace, "task", "add", CYCLE, "迟到的任务", "--deadline", "2024-12-01"
    )
    workspace.ok("cycle", "advance", CYCLE, "close")
    assert "可用触发器：（无）" in refused(workspace, "cycle", "advance", CYCLE, "reopen_check")


def test_refusal_exit_codes_are_the_documented_ones(workspace: Workspace) -> None:
    open_cycle(workspace)
    assert workspace.run("cycle", "advance", CYCLE, "close").exit_code == 1  # rule
    assert workspace.run("cycle", "status", "无此/2024").exit_code == 3  # not found
    assert (
        workspace.run("cycle", "open", "市财政局", "2024", "--scheme", "jilin").exit_code == 4
    )  # conflict
    assert workspace.run("cycle", "advance").exit_code == 2  # usage


def test_a_cycle_keeps_its_scheme_when_the_file_changes(workspace: Workspace) -> None:
    open_cycle(workspace)
    pinned = status(workspace)["scheme_digest"]
    path = workspace.root / "workflows" / "jilin.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("发布任务清单，开始执行", "改名了"),
        encoding="utf-8",
    )
    after = status(workspace)
    assert after["scheme_digest"] == pinned
    assert after["triggers"][0]["label"] == "发布任务清单，开始执行"
    history = json.loads(workspace.ok("history", CYCLE, "--json").output)
    assert pinned[:12] in history[0]["summary"]


def test_a_scheme_whose_weights_do_not_sum_to_100_is_refused_by_validate_and_open(
    workspace: Workspace,
) -> None:
    source = (workspace.root / "workflows" / "jilin.toml").read_text(encoding="utf-8")
    bad = workspace.root / "workflows" / "jilin_bad.toml"
    bad.write_text(
        source.replace('id = "jilin"', 'id = "jilin_bad"', 1).replace(
            'weight = "40"', 'weight = "45"', 1
        ),
        encoding="utf-8",
    )
    result = workspace.run("scheme", "validate", str(bad))
    assert result.exit_code == 5
    assert (
        "components: 权重合计必须为 100%，实际为 ballot 45 + daily 30 + tasks 30 = 105%"
        in result.output
    )
    setup_unit(workspace)
    message = refused(workspace, "cycle", "open", "市财政局", "2024", "--scheme", "jilin_bad")
    assert "未知方案 'jilin_bad'" in message and "另有无效的方案文件 jilin_bad.toml" in message
    assert "无效：jilin_bad.toml" in workspace.ok("scheme", "list").output


def test_validate_reports_the_seed_inconsistency_as_a_warning(workspace: Workspace) -> None:
    # The shipped gansu (format 3) checks each count at its level and agrees with all of
    # them; the format-1 text checks the one catalogue-wide count and warns as it did.
    shipped = workspace.ok(
        "scheme", "validate", str(workspace.root / "workflows" / "gansu.toml")
    ).output
    assert shipped.startswith("方案有效：gansu@2017.1") and "警告" not in shipped
    pinned = Path(__file__).resolve().parents[1] / "unit" / "pinned" / "gansu.toml"
    out = workspace.ok("scheme", "validate", str(pinned)).output
    assert out.startswith("方案有效：gansu@2017.1")
    assert (
        "警告：catalog: 来源文件称定量 57 项 + 定性 11 项 = 68 项，但总数为 71 项（相差 3）" in out
    )


def test_task_list_shows_its_table_and_the_same_tasks_as_json(workspace: Workspace) -> None:
    # The table once read tasks by key and failed on the first task (issue 11's column spec).
    open_cycle(workspace)
    workspace.ok("task", "add", CYCLE, "落实三会一课制度", "--deadline", "2024-12-31")
    workspace.ok("task", "add", CYCLE, "自查", "--deadline", "2024-06-30", "--indicator", "study")
    workspace.ok("task", "publish", CYCLE)
    workspace.ok("cycle", "advance", CYCLE, "start_do")
    workspace.ok("task", "report", CYCLE, "1", "--progress", "60")
    workspace.ok("task", "complete", CYCLE, "2", "--quality", "优")
    lines = workspace.ok("task", "list", CYCLE).output.splitlines()
    assert lines[0] == f"任务清单：{CYCLE}（已发布）"
    assert lines[1].split() == ["序号", "任务", "截止", "指标", "进度", "完成（质量）"]
    assert lines[3].split() == ["1", "落实三会一课制度", "2024-12-31", "60%", "否"]
    # The header promises the quality: a completed task shows the grade it was judged at.
    assert lines[4].split() == ["2", "自查", "2024-06-30", "study", "100%", "是（优）"]
    listed = json.loads(workspace.ok("task", "list", CYCLE, "--json").output)
    assert [(t["no"], t["progress"], t["completed"], t["quality"]) for t in listed["tasks"]] == [
        (1, 60, False, None),
        (2, 100, True, "优"),
    ]
