"""Ballot tokens: at least 128 random bits, typeable, and digests keyed per issue."""

from __future__ import annotations

import hashlib

from pdca.application.ballot_tokens import ALPHABET, new_salt, new_token, normalised, token_digest


def test_a_token_carries_at_least_128_random_bits_in_groups_of_four() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        groups = token.split("-")
        assert [len(g) for g in groups] == [4] * 7
        assert set("".join(groups)) <= set(ALPHABET)
        assert len("".join(groups)) * 5 >= 128
    # Every symbol position varies (no fixed prefix eating the entropy).
    for n in range(28):
        assert len({normalised(t)[n] for t in tokens}) > 8


def test_a_token_is_read_as_typed_on_paper() -> None:
    token = "7DKB-WBC2-8SEG-CP6N-ZJRX-1YWC-WCN0"
    salt = new_salt()
    typed = ("7dkb wbc2 8seg cp6n zjrx lywc wcno", "7DKBWBC28SEGCP6NZJRX1YWCWCN0")
    assert {token_digest(t, salt) for t in typed} == {token_digest(token, salt)}


def test_the_same_token_has_another_digest_under_another_issue() -> None:
    token = new_token()
    assert token_digest(token, new_salt()) != token_digest(token, new_salt())
    # Issues made before salts: the plain SHA-256 of the upper-cased token, as stored then.
    assert token_digest("3f9a1-0c2b7", None) == hashlib.sha256(b"3F9A1-0C2B7").hexdigest()
