"""Columns of read models that hold personal names or free-text evidence.

When the event store is encrypted (``PDCA_CIPHER_KEY``), a projection's copy of such a
field must not sit in the same database as plain text. A ``Private`` column stores
its value through the same cipher as the events (base64 text marked ``enc:``) and
reads it back in plain text; without a cipher it is ordinary text. Encrypted values
cannot be compared, so ``--where`` on such a column finds nothing.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

_MARK = "enc:"
_cipher: Any = None


def use_cipher(cipher: Any) -> None:
    """The cipher of the store this process works on (``None``: not encrypted)."""
    global _cipher
    _cipher = cipher


class Private(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or _cipher is None:
            return value
        return _MARK + b64encode(_cipher.encrypt(value.encode("utf-8"))).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or not value.startswith(_MARK):
            return value
        if _cipher is None:
            return "（已加密）"
        return _cipher.decrypt(b64decode(value[len(_MARK) :])).decode("utf-8")
