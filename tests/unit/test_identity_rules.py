"""The actor model's small rules, without a database: what an older event reads as, and
whom four eyes compare."""

from __future__ import annotations

import pytest

from pdca.application.acting import (
    AUTHENTICATED,
    DECLARED,
    Acting,
    identities,
    recorded_assurance,
    recorded_principal,
)
from pdca.errors import RuleViolation
from pdca.rules import rectification_flow


class _Old:
    """An event stored before principals were kept: only its actor."""

    def __init__(self) -> None:
        self.actor = "督查组-张三"


def test_an_older_event_reads_as_declared_by_its_actor() -> None:
    assert recorded_principal(_Old()) == "督查组-张三"
    assert recorded_assurance(_Old()) == DECLARED
    state = {"actor": "甲", "principal": "jia", "assurance": AUTHENTICATED}
    assert (recorded_principal(state), recorded_assurance(state)) == ("jia", AUTHENTICATED)
    assert recorded_principal({"actor": "甲"}) == "甲"


def test_a_context_is_declared_until_an_account_vouches_for_it() -> None:
    acting = Acting.declared("张三")
    assert (acting.principal, acting.person, acting.assurance) == ("张三", "张三", DECLARED)


def test_four_eyes_count_the_login_that_entered_an_act_only_when_authenticated() -> None:
    submitted = identities("市财政局-王五", "lisi", AUTHENTICATED)
    assert submitted == {"市财政局-王五", "登录名 lisi"}
    with pytest.raises(RuleViolation, match="验收人不能是提交人（登录名 lisi）"):
        rectification_flow.check(
            "submitted", "accept", submitted, identities("督查组-李四", "lisi", AUTHENTICATED)
        )
    rectification_flow.check(
        "submitted", "accept", submitted, identities("督查组-张三", "zhangsan", AUTHENTICATED)
    )
    # Declared names (a database without accounts): only the persons are compared.
    rectification_flow.check(
        "submitted",
        "accept",
        identities("甲", "root", DECLARED),
        identities("乙", "root", DECLARED),
    )
    # A login spelling another person's name is not that person.
    rectification_flow.check(
        "submitted",
        "accept",
        identities("李四", "zhangsan", AUTHENTICATED),
        identities("王五", "李四", AUTHENTICATED),
    )
