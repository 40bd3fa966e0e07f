"""No move changes a stored topic.

Every stored event names its class by topic (``pdca.domain.cycle:Cycle.Opened``) and
every created aggregate its own (``originator_topic``). Renaming or moving one makes
old history unreadable, so the topics the domain defines are compared with a
checked-in list (``topics.txt``), and every topic stored in the golden history and the
demo year must be in that list. A new event adds a line; a changed line is a schema
change and needs a topic substitution or an upcast, not an edit of the list.
"""

from __future__ import annotations

import gzip
import importlib
import json
import pkgutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from eventsourcing.domain import BaseAggregate, DomainEvent
from eventsourcing.utils import get_topic, resolve_topic

import pdca.domain

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
LIST = HERE / "topics.txt"
STORED = (TESTS / "golden" / "jilin-2024.jsonl", TESTS / "behaviour" / "demo-rows.jsonl.gz")


def domain_topics() -> set[str]:
    """Each aggregate of ``pdca.domain`` and every event class nested in it."""
    found = set()
    for info in pkgutil.iter_modules(pdca.domain.__path__):
        module = importlib.import_module(f"{pdca.domain.__name__}.{info.name}")
        for value in vars(module).values():
            if _is_aggregate_of(value, module.__name__):
                found.add(get_topic(value))
                found.update(get_topic(event) for event in _events_of(value))
    return found


def _is_aggregate_of(value: object, module: str) -> bool:
    return (
        isinstance(value, type) and issubclass(value, BaseAggregate) and value.__module__ == module
    )


def _events_of(aggregate: type) -> Iterator[type]:
    # Every name the aggregate answers to (a declared event, ``pdca.domain.declared``, is
    # defined when looked up, as the library's topic resolver looks it up), but not the
    # library's own classes it inherits (``Aggregate.Snapshot``).
    for name in dir(aggregate):
        value = getattr(aggregate, name)
        is_event = isinstance(value, type) and issubclass(value, DomainEvent)
        if is_event and value.__module__ == aggregate.__module__:
            yield value


def listed_topics() -> list[str]:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def stored_topics(path: Path) -> set[str]:
    """The event topics and aggregate topics in a file of stored rows (JSON lines)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as rows:
        return set(_topics_of(json.loads(line) for line in rows if line.strip()))


def _topics_of(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    for row in rows:
        yield row["topic"]
        state = json.loads(row["state"])
        if "originator_topic" in state:
            yield state["originator_topic"]


def test_the_domain_defines_exactly_the_listed_topics() -> None:
    listed = listed_topics()
    assert listed == sorted(set(listed)), "topics.txt is kept sorted, one topic a line"
    found = domain_topics()
    assert sorted(found - set(listed)) == [], "new topics: add them to topics.txt"
    assert sorted(set(listed) - found) == [], "topics gone or moved: a schema change"


def test_every_listed_topic_resolves() -> None:
    for topic in listed_topics():
        assert get_topic(resolve_topic(topic)) == topic


def test_every_stored_topic_is_listed() -> None:
    listed = set(listed_topics())
    for path in STORED:
        stored = stored_topics(path)
        assert stored, path  # an empty read would pass on anything
        assert sorted(stored - listed) == [], path.name
