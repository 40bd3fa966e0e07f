"""Random scheme files: every one is either accepted or refused with ``SchemeInvalid``
(the documented user error, exit 5) — never another exception (issue 12, item 11).

The inputs start from the shipped schemes and change them the way a hand-edited file
goes wrong: a value replaced by one of another type, a key dropped, renamed or added,
tables nested absurdly deep, characters cut or pasted into the text. A file that is
accepted must also read the same when a cycle pins it. Fixed seed, bounded examples:
the run is the same in CI as here.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdca.errors import SchemeInvalid
from pdca.rules.schemes import parse, pinned
from tests.unit._toml import dumps

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(WORKFLOWS.glob("*.toml"))}
TABLES = {name: tomllib.loads(text) for name, text in TEXTS.items()}

SETTINGS = settings(
    max_examples=400,
    derandomize=True,  # a fixed seed: the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CHARS = st.characters(blacklist_categories=("Cs",))
TEXT = st.text(CHARS, max_size=12) | st.sampled_from(
    ["", " ", "false", "true", "ten", "1e-100", "NaN", "-0", "0.00001", "plan", "好", "x" * 300]
)
SCALARS = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def places(value: Any, steps: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and array index in a table, at every depth."""
    found = []
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for step, item in children:
        found.append((*steps, step))
        found.extend(places(item, (*steps, step)))
    return found


def nested(depth: int, leaf: Any) -> Any:
    for n in range(depth):
        leaf = [leaf] if n % 2 else {"a": leaf}
    return leaf


@st.composite
def edited_tables(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(TABLES[draw(st.sampled_from(sorted(TABLES)))])
    for _ in range(draw(st.integers(1, 3))):
        steps = draw(st.sampled_from(places(data)))
        parent: Any = data
        for step in steps[:-1]:
            parent = parent[step]
        last = steps[-1]
        if isinstance(parent, list) and not isinstance(last, int):
            continue
        action = draw(st.sampled_from(["replace", "drop", "rename", "add", "deepen"]))
        if action == "replace":
            parent[last] = draw(VALUES)
        elif action == "drop":
            del parent[last]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(TEXT)] = parent.pop(last)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(TEXT)] = draw(VALUES)
        elif action == "deepen":
            parent[last] = nested(draw(st.sampled_from([2, 31, 40, 200])), parent[last])
        if not data:
            break
    return data


def accepted_or_refused(text: str) -> bool:
    try:
        scheme = parse(text, origin="random.toml")
    except SchemeInvalid as exc:
        message = str(exc)
        assert message.startswith(("方案文件无效 random.toml：", "无法读取方案文件")), message
        assert "\n" not in message
        return False
    again = pinned(text)  # what a cycle opened with it reads back
    assert again.stages == scheme.stages and again.triggers == scheme.triggers
    assert repr(again.rules) == repr(scheme.rules)
    return True


@SETTINGS
@given(edited_tables())
def test_an_edited_scheme_is_accepted_or_refused_cleanly(data: dict[str, Any]) -> None:
    accepted_or_refused(dumps(data))


@SETTINGS
@given(
    st.sampled_from(sorted(TEXTS)),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 40), st.text(CHARS, max_size=8)),
        min_size=1,
        max_size=3,
    ),
)
def test_a_scheme_text_cut_and_pasted_is_accepted_or_refused_cleanly(
    name: str, edits: list[tuple[float, int, str]]
) -> None:
    text = TEXTS[name]
    for where, cut, pasted in edits:
        at = int(where * len(text))
        text = text[:at] + pasted + text[at + cut :]
    accepted_or_refused(text)


@settings(SETTINGS, max_examples=50)
@given(st.integers(30, 6000), st.sampled_from(["[", "{ a = ", "[[", "a."]))
def test_any_nesting_is_accepted_or_refused_cleanly(depth: int, opener: str) -> None:
    closer = {"[": "]", "{ a = ": " }", "[[": "]]", "a.": ""}[opener]
    if opener == "a.":
        text = "a." * depth + "b = 1\n"
    elif opener == "[[":
        text = "[[" + ".".join(["t"] * depth) + "]]\n"
    else:
        text = "x = " + opener * depth + "1" + closer * depth + "\n"
    accepted_or_refused(text)
