"""``pdca.hashes``: SHA-256 and uuid5 as the standard library computes them (the history,
the pinned schemes and every aggregate id hold them)."""

from __future__ import annotations

import hashlib
import uuid
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from pdca.hashes import sha256, uuid5


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_it_digests_as_hashlib_does(first: bytes, more: bytes) -> None:
    mine, theirs = sha256(first), hashlib.sha256(first)
    mine.update(more)
    theirs.update(more)
    assert mine.hexdigest() == theirs.hexdigest()


def test_a_known_digest() -> None:
    # FIPS 180-2's example: SHA-256("abc").
    assert sha256(b"abc").hexdigest() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@given(st.uuids(), st.text(max_size=40))
def test_name_based_ids_are_the_standard_librarys(namespace: UUID, name: str) -> None:
    try:
        expected = uuid.uuid5(namespace, name)
    except UnicodeEncodeError:  # a lone surrogate: neither can spell it
        return
    assert uuid5(namespace, name) == expected
