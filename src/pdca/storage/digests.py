"""The digest of one stored event, without the event-store library: the hash chain's
arithmetic (``pdca.storage.chain`` links events with it), importable by a read that never
builds the application (``pdca.application.quick_status``)."""

from __future__ import annotations

from uuid import UUID

from pdca.hashes import sha256

#: The key under which each stored state names its predecessor.
PREV = "prev_digest"
#: What the first event of an aggregate names as its predecessor.
GENESIS = "0" * 64


def digest(originator_id: UUID | str, topic: str, state: bytes | memoryview | str) -> str:
    """The digest of one stored event's content (not its position)."""
    h = sha256(b"pdca-chain-1\0")
    h.update(str(originator_id).encode())
    h.update(b"\0")
    h.update(topic.encode())
    h.update(b"\0")
    h.update(as_bytes(state))
    return h.hexdigest()


def as_bytes(state: bytes | memoryview | str) -> bytes:
    """A stored state as bytes, whatever the column handed back (an edit with SQL
    text functions can turn an SQLite BLOB into TEXT)."""
    return state.encode() if isinstance(state, str) else bytes(state)
