"""The application's lazily loaded use cases are exactly the methods their classes define."""

from __future__ import annotations

import importlib
import inspect

from pdca.application.service import USE_CASES


def test_the_use_case_table_matches_the_classes() -> None:
    for target, names in USE_CASES.items():
        module, _, owner = target.partition(":")
        cls = getattr(importlib.import_module(module), owner)
        defined = {n for n, v in vars(cls).items() if inspect.isfunction(v)}
        assert set(names) == defined, target


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    from pdca.application.service import PdcaApplication

    try:
        PdcaApplication.__getattr__(object.__new__(PdcaApplication), "no_such_thing")
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
