"""SHA-256 and name-based UUIDs without loading OpenSSL.

``hashlib`` loads OpenSSL's library when it is first imported: about 4 ms of every
command's start-up, for digests the everyday commands need — a scheme's text and the
hash chain (SHA-256), and the aggregates' ids (``uuid.uuid5`` imports ``hashlib`` for
its SHA-1). The interpreter's own SHA modules give the same digests; the standard
library's ``random`` takes SHA-512 the same way. Another interpreter falls back to
``hashlib``.
"""

from __future__ import annotations

from uuid import UUID

try:
    from _sha1 import sha1  # CPython's own
except ImportError:  # pragma: no cover - the interpreter decides
    from hashlib import sha1
try:
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,no-redef]  # CPython 3.12+
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

__all__ = ["sha1", "sha256", "uuid5"]


def uuid5(namespace: UUID, name: str) -> UUID:
    """``uuid.uuid5`` (RFC 4122: SHA-1 of the namespace and the name), the same ids."""
    return UUID(bytes=sha1(namespace.bytes + name.encode("utf-8")).digest()[:16], version=5)
