"""``naming.resolve``: an id as it is, a label for its one thing; ids win over labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.errors import RuleViolation
from pdca.rules.naming import KINDS, resolve, things
from pdca.rules.schemes import load_file, parse

WORKFLOWS = Path(__file__).parents[2] / "workflows"
JILIN = (WORKFLOWS / "jilin.toml").read_text(encoding="utf-8")


def test_every_kind_resolves_its_ids_and_labels_in_every_shipped_scheme() -> None:
    for path in sorted(WORKFLOWS.glob("*.toml")):
        scheme = load_file(path)
        for kind in KINDS:
            for thing_id, label in things(scheme, kind):
                assert resolve(scheme, kind, thing_id) == thing_id
                assert resolve(scheme, kind, label) == thing_id, (scheme.ref, kind, label)


def test_an_id_wins_over_a_label_that_spells_it() -> None:
    # participation is labelled "thinking", the id of another indicator.
    scheme = parse(JILIN.replace('label = "参与度"', 'label = "thinking"', 1))
    assert resolve(scheme, "indicator", "thinking") == "thinking"


def test_unknown_names_are_refused_or_handed_back() -> None:
    scheme = parse(JILIN)
    with pytest.raises(RuleViolation, match="未知触发器 'go'；方案 jilin@2024.1 的触发器"):
        resolve(scheme, "trigger", "go")
    assert resolve(scheme, "trigger", "go", unknown_as_is=True) == "go"
    with pytest.raises(RuleViolation, match=r"未知否决规则 'x'；.*：（无）"):
        resolve(scheme, "veto", "x")  # 吉林 has no vetoes
