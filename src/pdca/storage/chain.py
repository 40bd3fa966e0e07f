"""The hash chain: every stored event names its predecessor by digest.

Each event of an aggregate carries, inside its stored state, ``prev_digest``: the
digest of the event stored just before it in the same aggregate (``GENESIS`` for
the first). The digest is SHA-256 over the aggregate id, the topic and the state
bytes *as stored* — ciphertext when the cipher is on, so a re-encryption or any
byte changed in the database changes it. The version number is deliberately not
part of the digest: a row moved to another position keeps its digest, so
``pdca verify`` can say which position its content belongs to.

The mapper writes the link when an event is stored and strips it when an event is
read, so domain events never see it. A round's finalisation records each cycle's
head digest; printed by ``explain``, it anchors the chain outside the database.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

from pdca.errors import StorageError
from pdca.storage.digests import GENESIS, PREV, as_bytes, digest

__all__ = ["GENESIS", "PREV", "as_bytes", "digest", "digest_of"]


@cache
def _required(cls: type) -> tuple[str, ...]:
    """The fields an event of ``cls`` cannot be applied without (no default)."""
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def damaged(stored: StoredEvent, exc: BaseException) -> StorageError:
    """The refusal for a stored event that cannot be read back."""
    cause: BaseException = exc.__cause__ or exc
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    event = stored.topic.rpartition(":")[2] or stored.topic
    return StorageError(
        f"历史已损坏：聚合 {stored.originator_id} 的第 {stored.originator_version} 个事件"
        f"（{event}）无法读取（{type(cause).__name__}: {text[:200]}）；"
        "运行 pdca verify 查看全部受损之处，并从备份恢复，本次未做任何改动"
    )


def digest_of(stored: StoredEvent) -> str:
    return digest(stored.originator_id, stored.topic, stored.state)


class ChainedMapper(Mapper[UUID]):
    """The library's mapper, plus the chain link in every stored state.

    The digest of an aggregate's last event is remembered when its events are read
    (every command loads an aggregate before it changes it) and when they are
    written; otherwise it is read back from the recorder.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorder: Any = None
        self._last: dict[UUID, tuple[int, str]] = {}

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if isinstance(domain_event, Snapshot):  # a cache of state, not part of the history
            return super().to_stored_event(domain_event)
        link = self._digest_before(domain_event.originator_id, domain_event.originator_version)
        # Events are frozen; the link is lent to its __dict__ just for encoding.
        domain_event.__dict__[PREV] = link
        try:
            stored = super().to_stored_event(domain_event)
        finally:
            del domain_event.__dict__[PREV]
        self._remember(stored)
        return stored

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        domain_event = self.decode(stored_event)
        if not isinstance(domain_event, Snapshot):
            self._remember(stored_event)
        return domain_event

    def decode(self, stored_event: StoredEvent) -> Any:
        """One stored event as its domain event, without hashing it: a loader reading a
        whole history hashes only the last row it read (``remember``)."""
        try:
            domain_event = super().to_domain_event(stored_event)
            missing = [f for f in _required(type(domain_event)) if f not in domain_event.__dict__]
            if missing:
                raise ValueError(f"缺少字段 {'、'.join(missing)}")
        except Exception as exc:
            # A row changed outside pdca (bytes that are not JSON, a topic or fields no
            # event has): the history cannot be read past it, and saying so is the answer.
            raise damaged(stored_event, exc) from exc
        if not isinstance(domain_event, Snapshot):
            domain_event.__dict__.pop(PREV, None)
        return domain_event

    def remember(self, stored: StoredEvent, digest: str | None = None) -> None:
        """The head of an aggregate as read: the next event stored links to it."""
        self._last[stored.originator_id] = (
            stored.originator_version,
            digest if digest is not None else digest_of(stored),
        )

    def digest_at(self, originator_id: UUID, version: int) -> str | None:
        """The stored digest of one event of an aggregate (None if there is none)."""
        if version < 1:
            return None
        known = self._last.get(originator_id)
        if known is not None and known[0] == version:
            return known[1]
        rows = self.recorder.select_events(originator_id, gt=version - 1, lte=version)
        return digest_of(rows[0]) if rows else None

    def _digest_before(self, originator_id: UUID, version: int) -> str:
        if version == 1:
            return GENESIS
        # A missing predecessor cannot be stored under (the insert conflicts);
        # an empty link would be named by verify if it ever were.
        return self.digest_at(originator_id, version - 1) or ""

    def _remember(self, stored: StoredEvent) -> None:
        self.remember(stored)

    def restore(self, originator_id: UUID, head: tuple[int, str]) -> None:
        """An aggregate's head as ``head`` returned it (a copy kept for a retry)."""
        self._last[originator_id] = head

    def head(self, originator_id: UUID) -> tuple[int, str] | None:
        """The version and digest last read or written for an aggregate, if any."""
        return self._last.get(originator_id)
