"""A text a cycle pinned before the scheme format had a schema is read exactly as it was
then: never re-validated against the newer format (issue 12).

``tests/unit/pinned/`` holds each shipped ``workflows/*.toml`` as it was on main before
the change, and a text full of quirks the old loader accepted (a string for a boolean,
misspelt keys it ignored). ``read_before.json`` is what the old reader made of each,
recorded with the old code (see ``record.py`` there).
"""

from __future__ import annotations

import json

import pytest

from pdca.errors import SchemeInvalid
from pdca.rules.schemes import load_file, parse, pinned
from tests.unit.pinned.record import HERE, read

BEFORE = json.loads((HERE / "read_before.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_a_pre_change_text_reads_as_it_did_then(name: str) -> None:
    text = (HERE / name).read_text(encoding="utf-8")
    pinned.cache_clear()
    assert read(text) == BEFORE[name]
    assert pinned(text).format == 1


def test_the_quirky_text_would_now_be_refused_yet_its_cycles_stay_readable() -> None:
    with pytest.raises(SchemeInvalid) as info:
        load_file(HERE / "quirks.toml")
    message = str(info.value)
    for path in (
        "scoring.precision",
        "catalog.categories[0].subcategories",
        "catalog.categories[0].bonus",
        "ballot.trim",
        "ballot.quorum",
        "ballot.masses_min_shares",
        "ballot.items[0].points",
        "ledger.sources",
        "ledger.indicators[0].per_open_carry",
        "adjustments.deduction_cp",
    ):
        assert f"{path}: " in message
    assert "10 处问题" in message
    rules = pinned((HERE / "quirks.toml").read_text(encoding="utf-8")).rules
    assert rules.ballot is not None and rules.ballot.trim is True  # bool("false"), as then
    assert rules.deduction_cap is None


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.glob("*.toml") if p.stem != "quirks"))
def test_a_shipped_text_reads_the_same_checked_or_pinned(name: str) -> None:
    text = (HERE / name).read_text(encoding="utf-8")
    checked = parse(text)
    pinned.cache_clear()
    again = pinned(text)
    assert (checked.stages, checked.triggers, checked.initial) == (
        again.stages,
        again.triggers,
        again.initial,
    )
    assert repr(checked.rules) == repr(again.rules)


def test_a_format_this_pdca_does_not_know_is_refused_cleanly() -> None:
    text = "format = 4\n" + (HERE / "jilin.toml").read_text(encoding="utf-8")
    with pytest.raises(SchemeInvalid, match="format: 方案格式 4 不可读；本版 pdca 读格式 1、2、3"):
        pinned(text)
    with pytest.raises(SchemeInvalid, match="format: '4' 不可用；允许：1、2、3"):
        parse(text)


def test_format_2_is_declared_at_the_top() -> None:
    text = "format = 2\n" + (HERE / "jilin.toml").read_text(encoding="utf-8")
    assert parse(text).format == 2
    assert pinned(text).format == 2


def test_reading_a_pinned_workflow_does_not_import_the_validation_library() -> None:
    # cycle status / cycle advance read only the workflow of the pinned text: they
    # must not pay for msgspec (~6–9 ms here), nor for the scoring rules.
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path\n"
        "from pdca.rules.schemes import pinned\n"
        f"s = pinned(Path({str(HERE / 'gansu.toml')!r}).read_text(encoding='utf-8'))\n"
        "assert s.trigger('start_self_check') is not None\n"
        "print(sorted(m for m in sys.modules if m.startswith(('msgspec', 'pdca.rules'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "msgspec" not in out
    assert "scoring" not in out
