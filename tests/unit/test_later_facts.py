"""Fact types made dataclasses on first use (``pdca.domain.later``) are the dataclasses
the decorator made at definition: same fields, defaults, docstring, equality, repr,
pickling — whichever way they are first reached."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import threading
from datetime import date, datetime
from decimal import Decimal

import pytest

from pdca.domain import facts
from pdca.domain.later import Later

P = facts.Provenance(3, datetime(2024, 5, 12, 9, 30), "张三")


def test_a_fresh_process_makes_none_until_asked_and_then_the_base_first() -> None:
    script = (
        "from pdca.domain import facts\n"
        "print(facts.later.made())\n"
        "from pdca.domain.facts import Finding\n"
        "print(facts.later.made())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["[]", "['Fact', 'Finding']"]


def test_a_fact_type_has_its_declared_fields_base_first_and_the_decorators_docstring() -> None:
    names = [f.name for f in dataclasses.fields(facts.Finding)]
    assert names == [
        "kind",
        "provenance",
        "corrections",
        "source",
        "indicator",
        "recorded_points",
        "observed_on",
        "evidence",
    ]
    assert facts.Finding.__doc__.startswith("Finding(kind: 'str', provenance: 'Provenance'")
    assert facts.Finding.__module__ == "pdca.domain.facts"
    assert facts.Finding.__qualname__ == "Finding"
    assert issubclass(facts.Finding, facts.Fact)
    assert facts.UnitStep.__doc__.startswith("A step the unit itself took")


def test_equality_repr_defaults_and_pickling_are_the_dataclasses() -> None:
    one = facts.Finding("finding", P, source="督查", recorded_points=Decimal("-1.5"))
    two = facts.Finding("finding", P, source="督查", recorded_points=Decimal("-1.5"))
    assert one == two and one is not two
    assert one != facts.Finding("finding", P, source="自查")
    assert one.corrections == [] and one.corrections is not two.corrections
    assert repr(one).startswith("Finding(kind='finding', provenance=Provenance(position=3,")
    one.corrections.append(facts.Correction("amended", Decimal("-2"), "复核", P))
    assert one.points == Decimal("-2")
    assert pickle.loads(pickle.dumps(one)) == one
    assert facts.Ballot("ballot", P, scores={"a": Decimal(1)}).total == Decimal(1)
    assert facts.CarriedProblem("i", "p", "c", date(2024, 1, 1), P).closed is None


def test_the_fold_builds_them_from_inside_the_module() -> None:
    folded = facts.CycleFacts()
    when = datetime(2024, 5, 12)
    data = {
        "source": "督查",
        "indicator": "x",
        "points": Decimal("-1"),
        "observed_on": None,
        "evidence": "",
    }
    folded.apply("FindingRecorded", 4, when, data)
    folded.apply("FactWithdrawn", 5, when, {"fact_position": 4, "reason": "错录"})
    assert type(folded.facts[4]) is facts.Finding
    assert folded.facts[4].withdrawn and folded.findings() == []


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchFact"):
        facts.NoSuchFact  # noqa: B018
    with pytest.raises(ImportError):
        from pdca.domain.facts import NoSuchFact  # noqa: F401


def test_two_threads_asking_at_once_get_one_class() -> None:
    namespace: dict = {"__name__": "m"}
    later = Later(namespace)

    class Base:
        a: int = 0

    class Child(Base):
        b: int = 1

    later.dataclass(Base)
    later.dataclass(Child)
    namespace.update(Base=Base, Child=Child)
    later.hide()
    made: list[type] = []
    threads = [threading.Thread(target=lambda: made.append(later.Child)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {id(c) for c in made} == {id(Child)}
    assert [f.name for f in dataclasses.fields(Child)] == ["a", "b"]
    assert later.made() == ["Base", "Child"]
