"""The anchors file's pure parts: the 校验码, an anchor's digest, and what a set of
anchors says about the aggregates stored now (inserted, declared restore)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pdca.errors import RuleViolation
from pdca.storage import anchors
from pdca.storage.anchor_check import compare

A, B, C = "aaaa", "bbbb", "cccc"


def anchor(
    seq: int, log_head: int, heads: dict[str, tuple[int, str]], restore: bool = False
) -> anchors.FileAnchor:
    return anchors.make(seq, "2025-01-01T00:00:00+08:00", "甲", "", restore, log_head, heads)


def test_the_check_code_is_the_number_and_twenty_hex_digits_in_groups_of_four() -> None:
    digest = "3f2a9c017b440e1d55aa" + "0" * 44
    assert anchors.code(12, digest) == "12-3f2a-9c01-7b44-0e1d-55aa"
    assert anchors.parse_code(" 12-3F2A-9c01-7b44-0e1d-55aa ") == (12, digest[:20])
    for wrong in ("12-3f2a", "x-3f2a-9c01-7b44-0e1d-55aa", "12-3f2a-9c01-7b44-0e1d-55ag", ""):
        with pytest.raises(RuleViolation, match="校验码"):
            anchors.parse_code(wrong)


def test_an_anchor_is_intact_until_any_of_its_fields_changes(tmp_path: Path) -> None:
    a = anchor(1, 5, {A: (2, "d1")})
    assert a.intact
    assert not replace(a, note="改过").intact
    assert not replace(a, heads={A: (2, "d2")}).intact
    path = tmp_path / "anchors.jsonl"
    anchors.append(path, [anchors.line_of(a)])
    (read,) = anchors.read(path).anchors
    assert read.intact and read.digest == a.digest and read.line == 1


def test_a_line_that_is_not_an_anchor_is_refused_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "anchors.jsonl"
    path.write_text(anchors.line_of(anchor(1, 1, {})) + '{"what": 1}\n', encoding="utf-8")
    with pytest.raises(Exception, match="第 2 行不是锚点或签名"):
        anchors.read(path)


def test_an_aggregate_begun_at_or_below_the_log_head_but_not_anchored_was_inserted() -> None:
    found = compare([anchor(1, 10, {A: (3, "d")})], {A: 1, B: 7, C: 11})
    assert set(found.inserted) == {B}  # C began after the anchor: new
    assert [h.head for h in found.heads[A]] == [3]


def test_a_declared_restore_accounts_for_what_it_records_differently() -> None:
    before = anchor(1, 20, {A: (5, "a5"), B: (2, "b2")})
    # Restored to a backup older than anchor 1: A is back at version 3, B never existed,
    # C is recorded again after the restore at log positions anchor 1 had covered.
    restore = anchor(2, 12, {A: (3, "a3"), C: (1, "c1")}, restore=True)
    found = compare([before, restore], {A: 1, C: 11, "dddd": 15})
    assert found.declared == {A, B, C}
    # Only the restore anchor's heads still bind A; nothing is inserted: 'dddd' began
    # after the restore anchor's log head, so it is new to anchor 1 too.
    assert [(h.head, h.digest) for h in found.heads[A]] == [(3, "a3")]
    assert B not in found.heads and found.inserted == {}


def test_an_anchor_whose_line_was_edited_binds_nothing_and_is_named() -> None:
    damaged = replace(anchor(1, 5, {A: (2, "d")}), heads={A: (1, "x")})
    found = compare([damaged], {A: 1})
    assert found.damaged == [damaged] and found.heads == {}
