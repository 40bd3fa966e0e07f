"""The scheme loader: a valid file becomes a Scheme; a bad one is refused with every
problem and its place in one message."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.errors import SchemeInvalid
from pdca.rules.schemes import load_file, parse

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

MINIMAL = """
[scheme]
id = "t"
version = "1"
name = "测试方案"

[workflow]
initial = "plan"
[[workflow.stages]]
id = "plan"
[[workflow.stages]]
id = "do"
[[workflow.stages]]
id = "check"
[[workflow.stages]]
id = "act"
[[workflow.stages]]
id = "closed"

[[workflow.triggers]]
name = "start_do"
source = "plan"
dest = "do"
guards = ["task_list_published"]
[[workflow.triggers]]
name = "start_check"
source = "do"
dest = "check"
[[workflow.triggers]]
name = "start_act"
source = "check"
dest = "act"
[[workflow.triggers]]
name = "close"
source = "act"
dest = "closed"
"""


def test_minimal_scheme_loads_with_default_chinese_labels() -> None:
    scheme = parse(MINIMAL)
    assert [s.label for s in scheme.stages] == ["计划", "执行", "督查", "处理", "已结束"]
    assert scheme.trigger("start_do").guards == ("task_list_published",)
    assert len(scheme.digest) == 64


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_scheme_is_valid(path: Path) -> None:
    scheme = load_file(path)
    assert scheme.stages[0].phase == "plan"
    assert scheme.stages[-1].id == "closed"


def test_gansu_sub_stages_run_in_the_seed_order() -> None:
    scheme = load_file(WORKFLOWS / "gansu.toml")
    labels = [s.label for s in scheme.stages if s.phase in ("check", "act")]
    assert labels == ["筹备自查", "实地考核", "考核汇总", "结果审定"]
    # A phase named as a destination is entered at its first sub-stage.
    assert scheme.trigger("start_self_check").dest == "check.self_check"
    assert scheme.trigger("start_summary").dest == "act.summary"


def test_every_problem_is_reported_with_its_key_in_one_message() -> None:
    broken = (
        MINIMAL.replace('guards = ["task_list_published"]', 'guards = ["no_such_guard"]')
        .replace('dest = "closed"', 'dest = "nowhere"')
        .replace('name = "测试方案"', 'name = ""')
    ) + "\n[extra]\nx = 1\n"
    with pytest.raises(SchemeInvalid) as info:
        parse(broken, origin="bad.toml")
    message = str(info.value)
    assert message.startswith("方案文件无效 bad.toml：")
    assert "\n" not in message
    assert "scheme.name: 必须是非空字符串" in message
    assert "workflow.triggers[0].guards: 未知守卫 'no_such_guard'" in message
    assert "task_list_published" in message  # says what is allowed
    assert "workflow.triggers[3].dest: 未知阶段 'nowhere'" in message
    assert "extra: 未知的顶层键" in message
    assert "阶段 'closed'（已结束）无法到达" in message
    assert "5 处问题" in message


def test_stages_out_of_pdca_order_are_refused() -> None:
    swapped = (
        MINIMAL.replace('id = "do"', 'id = "TMP"')
        .replace('id = "check"', 'id = "do"')
        .replace('id = "TMP"', 'id = "check"')
    )
    with pytest.raises(
        SchemeInvalid,
        match="阶段必须依次为 plan→do→check→act→closed，实际为 plan→check→do→act→closed",
    ):
        parse(swapped)


def test_toml_syntax_error_names_file_and_line() -> None:
    with pytest.raises(SchemeInvalid, match=r"方案文件无效 x.toml：TOML 语法错误：.*line 2"):
        parse('[scheme]\nid = "unterminated\n', origin="x.toml")


def test_trigger_from_the_end_state_is_refused() -> None:
    extra = MINIMAL + '\n[[workflow.triggers]]\nname = "reopen"\nsource = "closed"\ndest = "act"\n'
    with pytest.raises(
        SchemeInvalid, match=r"workflow.triggers\[4\].source: 已结束的周期不能再触发"
    ):
        parse(extra)


def test_pinned_text_parses_leniently_for_replay() -> None:
    # A rule the validator learns later must not make old history unreadable.
    lax = MINIMAL + "\n[extra]\nx = 1\n"
    assert parse(lax, strict=False).id == "t"
