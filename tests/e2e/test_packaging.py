"""The wheel a user installs works on its own, and the editable install is what we test.

The wheel is built from this checkout and installed with its dependencies into a fresh
virtual environment outside it, then run from a folder that is not the checkout: the CLI
package must be in the wheel, and the shipped ``workflows/`` and ``projections/`` found
from the installed package (``pdca/_workflows``), never from a source tree next to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pdca_cli
import pytest

import pdca

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    # No PDCA_* from the test run and nothing that points back into the checkout.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PDCA_", "PYTHON"))}
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**env, "PDCA_LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT], cwd=dist)
    (built,) = dist.glob("pdca-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment holding the wheel and its dependencies, and nothing of ours."""
    root = tmp_path_factory.mktemp("venv")
    # Without pip of its own (ensurepip costs ~10 s); this environment's pip installs into
    # it. --no-compile: the programs below compile what they import, and nothing more.
    _run([sys.executable, "-m", "venv", "--without-pip", root], cwd=root)
    python = root / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-compile"]
    # A bound that only ends a hung install: beside three other workers on a loaded
    # 2-core machine the install took over 300 s; it is not a measure of speed.
    _run([*pip, wheel], cwd=root, timeout=900)
    return root / "bin"


def test_the_wheel_holds_the_cli_and_the_shipped_files_and_no_tests(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "pdca_cli/__init__.py" in names
    assert any(n.startswith("pdca_cli/commands/") for n in names)
    assert "pdca/_workflows/jilin.toml" in names
    assert any(n.startswith("pdca/_projections/") and n.endswith(".py") for n in names)
    assert [n for n in names if n.startswith("tests/") or "/tests/" in n] == []
    assert [n for n in names if "__pycache__" in n] == []


def test_the_installed_program_runs_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    where = _run(
        [venv / "python", "-c", "import pdca, pdca_cli; print(pdca.__file__, pdca_cli.__file__)"],
        cwd=tmp_path,
    ).split()
    site = (venv.parent / "lib").resolve()
    assert all(Path(p).resolve().is_relative_to(site) for p in where), where

    assert "用法: pdca" in _run([venv / "pdca", "--help"], cwd=tmp_path)

    _run([venv / "pdca", "init", "X"], cwd=tmp_path)
    workspace = tmp_path / "X"
    # init copies what ships; an empty copy would mean the package root was miscounted.
    shipped = sorted(p.name for p in (ROOT / "workflows").glob("*.toml"))
    assert sorted(p.name for p in (workspace / "workflows").glob("*.toml")) == shipped
    for name in shipped:
        copied = (workspace / "workflows" / name).read_bytes()
        assert copied == (ROOT / "workflows" / name).read_bytes(), name
    examples = sorted(p.name for p in (ROOT / "projections").glob("*.py"))
    assert sorted(p.name for p in (workspace / "projections").glob("*.py")) == examples

    listed = _run([venv / "pdca", "scheme", "list"], cwd=workspace)
    for name in shipped:
        assert name.removesuffix(".toml") in listed, listed


def test_the_suite_runs_under_the_editable_install() -> None:
    assert Path(pdca_cli.__file__).resolve().is_relative_to(ROOT / "cli" / "pdca_cli")
    assert Path(pdca.__file__).resolve().is_relative_to(ROOT / "src" / "pdca")
