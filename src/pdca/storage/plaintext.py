"""Stored events as a reader sees them: with the cipher, if one is on, undone.

Readers that decode stored state themselves (projections, ``pdca verify``) go
through ``plain_state``; the library's mapper does the same for domain events.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pdca.storage.chain import as_bytes


def plain_state(state: bytes, cipher: Any) -> bytes:
    """The stored bytes of one event's state, decrypted when the store is encrypted."""
    return cipher.decrypt(as_bytes(state)) if cipher is not None else state


class _PlainRecorder:
    """A recorder whose aggregate reads return decrypted states (the projections read the
    log itself in pages, and decrypt with ``plain_state``); everything else is the recorder's."""

    def __init__(self, recorder: Any, cipher: Any) -> None:
        self._recorder = recorder
        self._cipher = cipher

    def select_events(self, *args: Any, **kwargs: Any) -> list[Any]:
        rows = self._recorder.select_events(*args, **kwargs)
        return [replace(e, state=plain_state(e.state, self._cipher)) for e in rows]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._recorder, name)


def readable(recorder: Any, cipher: Any) -> Any:
    """The recorder itself, or one that decrypts what it reads."""
    return recorder if cipher is None else _PlainRecorder(recorder, cipher)
