"""An anchor (锚点): the state of the whole history at one moment, numbered in order.

The anchor itself — every aggregate's head digest — is written to a file outside the
database (``pdca.storage.anchors``); this aggregate records that it was taken, by
whom, up to which notification, and its digest, so the history says which anchors
exist and a printed 校验码 can be looked up. Each anchor is an aggregate of its own,
its id made of its sequence number: two commands taking the same number at once
conflict in the store, and one takes the next number.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import NAMESPACE
from pdca.hashes import uuid5


def anchor_id(seq: int) -> UUID:
    return uuid5(NAMESPACE, f"anchor:{seq}")


class Anchor(Aggregate):
    @staticmethod
    def create_id(seq: int, **_: object) -> UUID:
        return anchor_id(seq)

    @event("Taken")
    def __init__(
        self,
        seq: int,
        log_head: int,
        aggregates: int,
        digest: str,
        note: str,
        restore: bool,
        actor: str,
    ) -> None:
        self.seq = seq
        self.log_head = log_head
        self.aggregates = aggregates
        self.digest = digest
        self.note = note
        self.restore = restore  # declared: the database was restored from a backup
