"""Every key of every shipped scheme, renamed one at a time and at every depth, is
refused naming its key path and the key that was meant (issue 12, item 11).

On main a misspelt key inside a scoring table was ignored and the file reported
"方案有效", silently dropping the rule it carried."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pdca.errors import SchemeInvalid
from pdca.rules.scheme_check import table_type_at
from pdca.rules.schemes import parse
from tests.unit._toml import dumps, rendered

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHIPPED = sorted(WORKFLOWS.glob("*.toml"))

Step = str | int  # a key of a table or an index into an array


def declared_keys(value: Any, steps: tuple[Step, ...] = ()) -> Iterator[tuple[Step, ...]]:
    """The place of every key the declaration knows, tables inside arrays included;
    the author's own keys (``tasks.quality``'s "优") are not the format's."""
    if isinstance(value, list):
        for n, item in enumerate(value):
            yield from declared_keys(item, (*steps, n))
        return
    names = [s for s in steps if isinstance(s, str)]
    if not isinstance(value, dict) or table_type_at(names) is None:
        return
    for key, item in value.items():
        yield (*steps, key)
        yield from declared_keys(item, (*steps, key))


def renamed(data: dict[str, Any], steps: tuple[Step, ...], suffix: str = "x") -> dict[str, Any]:
    data = copy.deepcopy(data)
    table: Any = data
    for step in steps[:-1]:
        table = table[step]
    key = steps[-1]
    items = list(table.items())
    table.clear()
    table.update((k + suffix if k == key else k, v) for k, v in items)
    return data


def renamed_along(data: Any, steps: tuple[Step, ...], suffix: str = "x") -> Any:
    """``renamed`` without the deep copy: only the tables and arrays on the way to the
    key are new; everything beside them is ``data``'s own, untouched (so ``dumps`` can
    reuse its text from ``rendered(data)``)."""
    step = steps[0]
    if len(steps) == 1:
        return {(k + suffix if k == step else k): v for k, v in data.items()}
    if isinstance(data, list):
        out = list(data)
        out[step] = renamed_along(data[step], steps[1:], suffix)  # type: ignore[index]
        return out
    return {k: renamed_along(v, steps[1:], suffix) if k == step else v for k, v in data.items()}


def key_path(steps: tuple[Step, ...]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def test_every_kind_of_table_is_reached() -> None:
    found = {
        ".".join(s for s in steps if isinstance(s, str))
        for path in SHIPPED
        for steps in declared_keys(tomllib.loads(path.read_text(encoding="utf-8")))
    }
    for expected in (
        "scheme.id",
        "workflow.stages.substages.label",
        "workflow.triggers.guards",
        "catalog.categories.items.points.max",
        # format 3 (issue 14): areas, per-level counts, opinion tables, a ballot's points
        "catalog.declared_areas",
        "catalog.declared_categories",
        "catalog.areas.label",
        "catalog.categories.area",
        "catalog.categories.items.opinions",
        "ballot.items.points.id",
        "ballot.groups.weight",
        "ledger.indicators.per_open_carried",
        "tasks.quality",
        "adjustments.deduction_cap",
        "vetoes.auto_indicator",
        "distribution.quotas.rounding",
        "tiers.top_share",
    ):
        assert expected in found
    assert not any("quality." in f for f in found)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_renamed_key_is_refused_with_its_path_and_the_key_meant(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    places = list(declared_keys(data))
    assert len(places) > 50
    # Each variant's text is written reusing the text of the parts it shares with the
    # scheme (every table beside the renamed key's path), not the whole scheme again;
    # the same text as a deep copy written out whole, as the first and last show.
    known = rendered(data)
    for steps in (places[0], places[-1]):
        assert dumps(renamed_along(data, steps), known) == dumps(renamed(data, steps))
    for steps in places:
        key = str(steps[-1])
        with pytest.raises(SchemeInvalid) as info:
            parse(dumps(renamed_along(data, steps), known), origin=path.name)
        message = str(info.value)
        assert f"{key_path(steps)}x: 未知" in message, (key_path(steps), message)
        assert f"是否想写 {key}？" in message, (key_path(steps), message)
