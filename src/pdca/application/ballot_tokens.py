"""Ballot tokens (测评票令牌): what a slip carries and what the database keeps of it.

A token is 140 random bits written in Crockford's base32 (no I, L, O, U: nothing to
misread on paper), 28 symbols in seven groups of four for typing. The database keeps only a keyed digest
of each token: HMAC-SHA-256 under a random salt drawn for each issue, so no table of
precomputed digests fits two issues, and 140 bits leave nothing to search. The issued
digests are stored sorted, so the order the slips were printed in is not in the history.

Tokens issued before this scheme (10 hex digits, digests unsalted SHA-256 over the
upper-cased token) still verify: their issue event carries no salt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
BITS = 140  # at least 128 bits: 28 symbols of 5 bits, seven groups of four
_LENGTH = BITS // 5
_GROUP = 4
#: What a typist may write for a symbol that is not in the alphabet.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_token() -> str:
    """A fresh token, grouped for printing: ``7DKB-WBC2-…-WCN0``."""
    return spelled(secrets.randbits(BITS))


def spelled(value: int) -> str:
    """``BITS`` bits as a token is printed: 28 symbols in groups of four."""
    symbols = "".join(ALPHABET[(value >> (5 * n)) & 31] for n in range(_LENGTH))
    return "-".join(symbols[i : i + _GROUP] for i in range(0, _LENGTH, _GROUP))


def new_salt() -> str:
    return secrets.token_hex(16)


def normalised(token: str) -> str:
    """A typed token as its symbols: case, spaces and hyphens ignored, O/I/L read as 0/1."""
    return "".join(token.split()).replace("-", "").upper().translate(_READ_AS)


def token_digest(token: str, salt: str | None) -> str:
    """The digest stored for ``token`` by an issue with ``salt`` (``None``: an issue made
    before salts, whose digests are plain SHA-256 of the upper-cased token)."""
    if salt is None:
        return hashlib.sha256(token.strip().upper().encode()).hexdigest()
    key = bytes.fromhex(salt)
    return hmac.new(key, normalised(token).encode("ascii", "replace"), hashlib.sha256).hexdigest()
