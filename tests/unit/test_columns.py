"""The CLI's column spec: one declaration gives the JSON records and the table's cells."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pdca_cli._columns import Column, cells, headers, records, with_keys, yes_no


@dataclass
class Item:
    no: int
    code: str
    done: bool


LISTING = (
    Column("no", "序号"),
    Column("code", None),  # the JSON keeps the code ...
    Column("done", "完成", show=yes_no),
    Column(None, "名称", get=lambda i: {"a": "甲", "b": "乙"}[i.code]),  # ... the table its label
)


def test_one_listing_gives_json_records_and_table_cells_in_their_own_orders() -> None:
    rows = [Item(1, "a", True), Item(2, "b", False)]
    assert records(LISTING, rows) == [
        {"no": 1, "code": "a", "done": True},
        {"no": 2, "code": "b", "done": False},
    ]
    assert list(records(LISTING, rows)[0]) == ["no", "code", "done"]
    assert headers(LISTING) == ["序号", "完成", "名称"]
    assert cells(LISTING, rows) == [[1, "是", "甲"], [2, "否", "乙"]]


def test_rows_may_be_mappings_and_a_column_may_read_another_field() -> None:
    listing = (Column("unit", "单位", get="name"), Column("grid", "联系片"))
    rows = [{"name": "市财政局", "grid": None}]
    assert records(listing, rows) == [{"unit": "市财政局", "grid": None}]
    assert cells(listing, rows) == [["市财政局", None]]


def test_with_keys_puts_every_export_key_in_the_json_and_only_the_shown_in_the_table() -> None:
    shown = (Column("a", "甲"), Column("c", "丙", show=str.upper))
    listing = with_keys(["a", "b", "c"], shown)
    assert records(listing, [{"a": 1, "b": 2, "c": "x"}]) == [{"a": 1, "b": 2, "c": "x"}]
    assert headers(listing) == ["甲", "丙"]
    assert cells(listing, [{"a": 1, "b": 2, "c": "x"}]) == [[1, "X"]]
    with pytest.raises(AssertionError):
        with_keys(["a", "b", "c"], (Column("c", "丙"), Column("a", "甲")))
