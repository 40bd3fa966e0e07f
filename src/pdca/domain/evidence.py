"""Attachments (附件、印证资料) as the events see them, and the purge of their bytes.

A fact names its attachments inside its own event — digest (SHA-256 of the file's
bytes), file name, size and media type — so the chain that covers the event covers
the file. The bytes are stored apart (``pdca.storage.attachments``). Purging them
(personal data in 暗访 evidence) is itself a fact: a ``Purge`` aggregate per digest,
recorded once, with who and why; the references stay, and ``verify`` reads a purged
file as purged, not as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import NAMESPACE
from pdca.hashes import uuid5

#: The keys of one attachment reference inside an event.
REF_KEYS = ("digest", "name", "size", "media_type")


def purge_id(digest: str) -> UUID:
    return uuid5(NAMESPACE, f"attachment-purge:{digest}")


def refs_of(state: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The attachment references of an event's state (an event recorded before
    attachments, or with none, has none)."""
    found = state.get("attachments") or ()
    return [dict(r) for r in found if isinstance(r, Mapping) and isinstance(r.get("digest"), str)]


def digests(refs: Iterable[Mapping[str, Any]]) -> list[str]:
    return [r["digest"] for r in refs]


class Purge(Aggregate):
    """The bytes of one attachment removed from the store, on purpose."""

    @staticmethod
    def create_id(digest: str) -> UUID:
        return purge_id(digest)

    @event("Recorded")
    def __init__(self, digest: str, name: str, size: int, reason: str, actor: str) -> None:
        self.digest = digest
        self.name = name
        self.size = size
        self.reason = reason
        self.actor = actor
