"""Which HTTP status a refusal answers with is decided by the error family
(``pdca.errors``), never by the words of the message: the application's own refusals,
raised by its own checks, each mapped as issue 15 says (403 roles and scopes, 409 the
history, 422 what was typed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pdca_web.refusals import BadInput, status_of

from pdca.application import inputs, recording, roles
from pdca.errors import Conflict, InvalidInput, NotFound, PdcaError, RuleViolation
from pdca.rules import machine
from pdca.rules.schemes import parse
from tests.unit.test_machine import facts
from tests.unit.test_schemes import MINIMAL


def _refusal(work: Any, *args: Any) -> PdcaError:
    with pytest.raises(PdcaError) as refused:
        work(*args)
    return refused.value


class _Item:
    id, label, rule, max = "duty", "履职", "direct", Decimal("20")


def test_a_score_above_the_items_maximum_is_bad_input() -> None:
    error = _refusal(recording.check_item_value, _Item(), Decimal("20.5"))
    assert str(error) == "指标 duty（履职）的得分 20.5 超出范围；允许 0 至 20"
    assert isinstance(error, InvalidInput) and isinstance(error, RuleViolation)
    assert error.exit_code == 1  # the command line's answer is unchanged
    assert status_of(error) == 422


def test_a_number_that_is_none_is_bad_input() -> None:
    error = _refusal(inputs.decimal, "十二", "分值")
    assert str(error) == "分值 '十二' 不是数值；应为如 2、-0.5、87.5 的小数"
    assert status_of(error) == 422
    assert status_of(BadInput("x")) == 422


def test_a_rule_of_the_history_is_a_conflict() -> None:
    assert status_of(RuleViolation("任务清单已发布，不能重复发布")) == 409
    assert status_of(Conflict("已使用过")) == 409


def test_a_stage_the_machine_refuses_is_a_conflict() -> None:
    blocked = _refusal(machine.check, parse(MINIMAL), "plan", "start_do", facts())
    assert str(blocked).startswith("不能执行 'start_do'（当前阶段计划）：守卫未满足")
    assert status_of(blocked) == 409
    assert status_of(_refusal(machine.check, parse(MINIMAL), "do", "fly", facts())) == 409


def test_roles_and_scopes_are_forbidden_and_unknown_names_bad_input() -> None:
    error = roles.refuse("王五", "单位填报员，市财政局", "cycle advance")
    assert status_of(error) == 403
    assert status_of(NotFound("未知单位 '某局'")) == 422
