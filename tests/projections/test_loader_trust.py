"""The loader runs the bytes that were checked, or nothing: a file swapped between the
registration check and the import is refused, naming it, and never executed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pdca.projections.loader import ProjectionInvalid, load_directory

FILE = """\
from pathlib import Path
from sqlalchemy import Column, MetaData, String, Table
from pdca.projections.api import Projection, handles
Path(__file__).with_name("ran.txt").write_text("ran")
t = Table("swapped", MetaData(), Column("k", String(10), primary_key=True))
class Swapped(Projection):
    name = "swapped"
    tables = (t,)
    @handles("Unit.Registered")
    def f(self, fact, batch): ...
"""


def test_a_file_changed_after_the_check_is_not_run(tmp_path: Path) -> None:
    path = tmp_path / "swapped.py"
    path.write_text("# 核对时的内容\n", encoding="utf-8")
    checked = {"swapped.py": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()}
    path.write_text(FILE, encoding="utf-8")  # swapped after the check
    with pytest.raises(ProjectionInvalid, match="projections/swapped.py 在核对之后被改动，未运行"):
        load_directory(tmp_path, set(), set(), checked)
    assert not (tmp_path / "ran.txt").exists()
    # The bytes that were checked run.
    checked = {"swapped.py": "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()}
    [(projection, _)] = load_directory(tmp_path, set(), set(), checked)
    assert projection.name == "swapped" and (tmp_path / "ran.txt").exists()
