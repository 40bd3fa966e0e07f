"""Event classes an aggregate declares, defined when a command first uses them.

The library makes every event class a frozen dataclass as it is defined (six generated
methods each): for a cycle's 28 events that was the largest part of a command's start-up,
though a command uses one or two of them. An aggregate built with ``DeclaredEvents``
keeps each event written as a class in its body — a plain ``Declared`` class, cheap to
make — and defines the real event class, a subclass of the aggregate's ``declared_base``
with the same fields, defaults and class attributes, the first time the name is looked
up (``Cycle.StageAdvanced``). Its module and qualified name are the declaration's, so its
stored topic (``pdca.domain.cycle:Cycle.StageAdvanced``) is what it always was; the
library's ``resolve_topic`` looks the name up like anyone else.
"""

from __future__ import annotations

import threading
from typing import Any

from eventsourcing.domain import Aggregate

_NOT_COPIED = ("__dict__", "__weakref__")
# One definition per name, even when two threads (the web's) ask at once.
_defining = threading.RLock()


class Declared:
    """An event declared in an aggregate's body, defined on first use."""


class DeclaredEvents(type(Aggregate)):  # type: ignore[misc]
    """The metaclass of an aggregate whose ``Declared`` events are defined on first use."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any):  # noqa: N804
        declared = {
            key: value
            for key, value in namespace.items()
            if isinstance(value, type) and issubclass(value, Declared)
        }
        body = {k: v for k, v in namespace.items() if k not in declared}
        body["_declared_events"] = declared
        return super().__new__(mcs, name, bases, body, **kw)

    def __getattr__(cls, name: str) -> Any:
        declaration = cls.__dict__.get("_declared_events", {}).get(name)
        if declaration is None:
            raise AttributeError(f"type object {cls.__qualname__!r} has no attribute {name!r}")
        with _defining:
            if name in cls.__dict__:
                return cls.__dict__[name]
            base = getattr(cls, cls.declared_base)
            attributes = {k: v for k, v in vars(declaration).items() if k not in _NOT_COPIED}
            attributes["__qualname__"] = declaration.__qualname__  # kept outside vars()
            event_class = type(name, (base,), attributes)
            if declaration.__doc__ is None:  # as the library's classes read: their signature
                signature = str(event_class.__signature__).replace(" -> None", "")
                event_class.__doc__ = f"{name}{signature}"
            setattr(cls, name, event_class)
            return event_class

    def __dir__(cls) -> list[str]:
        return sorted({*super().__dir__(), *cls.__dict__.get("_declared_events", {})})


def event_classes(aggregate: type) -> dict[str, type]:
    """Every event class of ``aggregate`` by name, the declared ones defined now."""
    from eventsourcing.domain import CanMutateAggregate

    names = [*vars(aggregate), *vars(aggregate).get("_declared_events", {})]
    found = {}
    for name in names:
        value = getattr(aggregate, name)
        if isinstance(value, type) and issubclass(value, CanMutateAggregate):
            found[name] = value
    return found
