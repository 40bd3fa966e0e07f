"""``emit_json_streaming`` writes the same text as ``emit_json`` of the whole answer,
whatever the list holds (``verify --all --json`` streams one head per aggregate)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pdca_cli._output import emit_json, emit_json_streaming

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _printed(emit: Any) -> str:
    @click.command()
    def show() -> None:
        emit()

    result = CliRunner().invoke(show, [])
    assert result.exit_code == 0, result.output
    return result.output


@given(
    before=st.dictionaries(st.text(min_size=1, max_size=5), _values, max_size=3),
    items=st.lists(_values, max_size=7),
)
@settings(max_examples=150, deadline=None)
def test_it_writes_what_emit_json_writes(before: dict[str, Any], items: list[Any]) -> None:
    data = {**before, "heads": None, "after": [1, {"x": "尾"}]}
    whole = _printed(lambda: emit_json({**data, "heads": items}))
    streamed = _printed(lambda: emit_json_streaming(data, "heads", iter(items)))
    assert streamed == whole
    assert json.loads(streamed)["heads"] == items


@pytest.mark.parametrize("count", [0, 1, 2, 1201])  # 1201: past a chunk of 500 twice
def test_records_of_a_verify_keep_their_shape(count: int) -> None:
    heads = [
        {"aggregate": f"周期 单位{i}/2024", "id": f"{i:032x}", "events": i, "digest": None}
        for i in range(count)
    ]
    data = {"clean": True, "aggregates": count, "heads": None, "problems": [], "n": Decimal("1.50")}
    whole = _printed(lambda: emit_json({**data, "heads": heads}))
    assert _printed(lambda: emit_json_streaming(data, "heads", iter(heads))) == whole
