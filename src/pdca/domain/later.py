"""Dataclasses a module declares, made dataclasses the first time they are looked up.

Making a dataclass generates and compiles its ``__init__``, ``__repr__`` and ``__eq__``:
for ``pdca.domain.facts`` that was about a tenth of a command's start-up, though a
command on a cycle without findings, scores or ballots builds none of those facts. A
class declared with ``Later.dataclass`` stays a plain class, hidden from its module's
namespace until first asked for — ``facts.Finding``, ``from pdca.domain.facts import
Finding``, pickle's lookup by name, or ``later.Finding`` inside the module — and is
then processed by ``dataclasses.dataclass`` exactly as the decorator would have done at
definition (its bases first), so fields, defaults, docstring, equality and repr are
the same. The class object is the declared one: module and qualified name unchanged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T", bound=type)


class Later:
    """The declared-later dataclasses of one module (its ``globals()``)."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self._namespace = namespace
        self._declared: dict[str, type] = {}
        # One processing per class, even when two threads (the web's) ask at once; a
        # class's base is processed from inside its own definition.
        self._lock = threading.RLock()

    def dataclass(self, cls: T) -> T:
        """Declare ``cls`` a dataclass, made on first use (``hide`` removes its name)."""
        self._declared[cls.__name__] = cls
        return cls

    def hide(self) -> None:
        """Take the declared names out of the module, so a lookup reaches ``define``."""
        for name in self._declared:
            del self._namespace[name]

    def made(self) -> list[str]:
        """The declared classes made dataclasses so far, by name."""
        return sorted(name for name in self._declared if name in self._namespace)

    def define(self, name: str) -> type:
        """The dataclass ``name``, processed now if it was not yet (the module's
        ``__getattr__``)."""
        cls = self._declared.get(name)
        if cls is None:
            module = self._namespace["__name__"]
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        with self._lock:
            if name not in self._namespace:
                for base in cls.__mro__[1:]:
                    if self._declared.get(base.__name__) is base:
                        self.define(base.__name__)
                self._namespace[name] = dataclass(cls)
        made: type = self._namespace[name]
        vars(self)[name] = made  # ``later.Finding`` from now on without this call (a loop's)
        return made

    def __getattr__(self, name: str) -> type:
        if name.startswith("_"):  # not a declared class: an attribute not set yet
            raise AttributeError(name)
        return self.define(name)
