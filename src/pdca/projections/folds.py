"""Each cycle's facts, folded as its events stream past, for every projection of a runtime.

A projection that needs a cycle's whole state (scores, ledger, an admin's own view)
asks the batch for it instead of re-reading the cycle from the event store: the fold
advances one event at a time, so a rebuild folds each event once.

The cache is checked against the aggregate's version, not trusted: an entry that is
not exactly one event behind (evicted, rolled back with a failed batch, or passed
by another worker) is folded again from the store up to the version asked for. So
it needs no invalidation and memory stays bounded: only the cycles seen recently
are kept, which in a year-by-year history is about one year's cycles.

Every cycle the current batch or the one before touched stays, whatever the
capacity. The projections ask for each cycle a batch changed again at its end
(``end_batch``), and a batch spanning a year boundary touches the closing year's
cycles and the opening year's — more than the capacity in a large province: evicting
them there refolded each from the store, twice (the ledger's end, then the scores'),
measured at a 1000-unit year boundary as 2,252 store reads and half the batch's time.
And when more cycles than the capacity take their turns, one step of the year for
every unit, the least recently used is always the next one due: keeping the last
batch's cycles too makes the next batch find them. So memory is bounded by the
capacity or two batches' cycles, whichever is larger — never by the history.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol
from uuid import UUID

from pdca.domain.facts import CycleFacts
from pdca.projections.decoding import Fact

CAPACITY = 2048


class History(Protocol):
    """Read access to the event store: one aggregate's story, up to a version."""

    def facts_of(self, originator_id: UUID, upto: int | None = None) -> list[Fact]: ...


def fold(facts: list[Fact]) -> CycleFacts:
    folded = CycleFacts()
    for fact in facts:
        apply(folded, fact)
    return folded


def apply(folded: CycleFacts, fact: Fact) -> None:
    folded.apply(fact.type.rpartition(".")[2], fact.version, fact.recorded_at, fact.state)


class CycleFolds:
    def __init__(self, history: History, capacity: int = CAPACITY) -> None:
        self.history = history
        self.capacity = capacity
        self._entries: OrderedDict[UUID, tuple[int, CycleFacts]] = OrderedDict()
        # The cycles the current and the previous batch touched: never evicted.
        self._in_batch: set[UUID] = set()
        self._previous: set[UUID] = set()
        # One copy of each pinned scheme text, however many cycles pin it.
        self._texts: dict[str, str] = {}

    def begin_batch(self) -> None:
        """A new batch: the cycles of the one before the last may be evicted again."""
        self._previous, self._in_batch = self._in_batch, set()

    def advance(self, fact: Fact) -> CycleFacts:
        """The cycle's facts with ``fact`` applied (it must be a ``Cycle.*`` event)."""
        oid, version = fact.originator_id, fact.version
        entry = self._entries.get(oid)
        if entry is not None and entry[0] == version:
            self._touch(oid)
            return entry[1]  # another projection of this pass applied it already
        if entry is None or entry[0] != version - 1:
            entry = (version - 1, self._fold(oid, version - 1))
        folded = entry[1]
        apply(folded, fact)
        if fact.type == "Cycle.Opened":
            folded.scheme_text = self._texts.setdefault(folded.scheme_digest, folded.scheme_text)
        self._remember(oid, version, folded)
        return folded

    def at(self, oid: UUID, version: int | None = None) -> CycleFacts:
        """The cycle's facts up to ``version`` (``None``: as stored now)."""
        entry = self._entries.get(oid)
        if entry is not None and (version is None or entry[0] == version):
            self._touch(oid)
            return entry[1]
        folded = self._fold(oid, version)
        if version is not None:
            self._remember(oid, version, folded)
        return folded

    def _fold(self, oid: UUID, upto: int | None) -> CycleFacts:
        if upto is not None and upto <= 0:
            return CycleFacts()
        return fold(self.history.facts_of(oid, upto))

    def _touch(self, oid: UUID) -> None:
        self._entries.move_to_end(oid)
        self._in_batch.add(oid)

    def _remember(self, oid: UUID, version: int, folded: CycleFacts) -> None:
        self._entries[oid] = (version, folded)
        self._touch(oid)
        # Least recently used first: what the last two batches touched is at the end,
        # so the first of theirs found means every older entry is gone.
        while len(self._entries) > self.capacity:
            oldest = next(iter(self._entries))
            if oldest in self._in_batch or oldest in self._previous:
                break
            del self._entries[oldest]
