"""The transitions machine decides moves; refusals say what is allowed and why."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pdca.errors import RuleViolation
from pdca.rules import machine
from pdca.rules.schemes import parse
from tests.unit.test_schemes import MINIMAL

SCHEME = parse(MINIMAL)


def facts(published: bool = False) -> SimpleNamespace:
    return SimpleNamespace(task_list_published=published, tasks={})


def test_guarded_trigger_is_listed_as_blocked_with_the_reason() -> None:
    [option] = machine.options(SCHEME, "plan", facts())
    assert (option.name, option.to, option.allowed) == ("start_do", "do", False)
    assert "task_list_published" in option.reason and "任务清单已发布" in option.reason


def test_guard_that_holds_lets_the_trigger_fire() -> None:
    assert machine.check(SCHEME, "plan", "start_do", facts(published=True)) == "do"


def test_failed_guard_is_refused_naming_the_guard() -> None:
    with pytest.raises(RuleViolation, match="守卫未满足：task_list_published"):
        machine.check(SCHEME, "plan", "start_do", facts())


def test_trigger_from_another_stage_names_the_available_ones() -> None:
    with pytest.raises(
        RuleViolation, match="触发器 'close' 在此阶段不可用：当前阶段为计划，可用触发器：start_do"
    ):
        machine.check(SCHEME, "plan", "close", facts())


def test_unknown_trigger_is_refused() -> None:
    with pytest.raises(RuleViolation, match="触发器 'fly' 不存在"):
        machine.check(SCHEME, "do", "fly", facts())


def test_closed_cycle_has_no_triggers() -> None:
    assert machine.options(SCHEME, "closed", facts()) == []
    with pytest.raises(RuleViolation, match="可用触发器：（无）"):
        machine.check(SCHEME, "closed", "close", facts())
