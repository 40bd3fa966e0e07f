"""The re-layout changed no behaviour: every ``--help`` and the fixed script of
``record.py`` over the stored demo year answer byte for byte as recorded before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.behaviour.record import ANSWERS, answers, fresh_workspace
from tests.conftest import cli


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    tmp = Path(tmp_path_factory.mktemp("behaviour"))
    return answers(cli, fresh_workspace(cli, tmp))


def test_every_help_and_the_script_answer_as_recorded(found: list[dict[str, object]]) -> None:
    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    assert [a["args"] for a in found] == [a["args"] for a in recorded]
    for now, then in zip(found, recorded, strict=True):
        assert now == then, " ".join(then["args"])  # type: ignore[arg-type]


def test_the_script_covers_tables_json_refusals_and_writes() -> None:
    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    script = [a for a in recorded if a["args"][-1] != "--help"]
    assert any("--json" in a["args"] for a in script)
    assert any(a["exit_code"] == 0 and "--json" not in a["args"] for a in script)
    assert any(a["exit_code"] not in (0, 2) for a in script)  # refusals
    assert any(a["args"][:2] == ["finding", "record"] and a["exit_code"] == 0 for a in script)
    assert sum(a["args"][-1] == "--help" for a in recorded) > 60
