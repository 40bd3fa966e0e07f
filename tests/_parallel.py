"""The suite on several processes (pytest-xdist, ``-n auto --dist loadgroup`` in
pyproject): tests that share a module-scoped fixture (a served office, a browser, a
built wheel, a demo workspace) run on one worker, so each is built once; every other
test goes to whichever worker is free.

A test's group is its module, and the parameters of the shared fixtures it uses (the
SQLite and the PostgreSQL office of ``tests/web/test_pages.py`` are two groups, run side
by side). A plugin of its own (``pytest_plugins`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import sys

import pytest

#: Scopes wider than a test that a module defines for its own tests.
_SHARED = ("class", "module", "package")

#: Workers on a machine of few cores: the tests wait on fsync (a commit ~5 ms here on
#: PostgreSQL and SQLite alike), on PostgreSQL and on subprocesses as much as they
#: compute, so two cores keep more than two workers busy.
MIN_WORKERS = 4


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: one worker a core, and at least ``MIN_WORKERS``;
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still wins (xdist's own)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    return max(MIN_WORKERS, len(os.sched_getaffinity(0)))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    grouped = set()
    for item in items:
        group = shared_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
            grouped.add(item.nodeid)
    if getattr(config.option, "loadgroup", False):
        # On a worker: the groups first (xdist hands out work in this order), so the
        # longest pieces (a browser's module, the wheel) start at once instead of
        # ending the run alone; within a module the order stays as written.
        items.sort(key=lambda item: item.nodeid not in grouped)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") and config.option.loadgroup:
        config.pluginmanager.register(_GroupsHeld(), "pdca-groups-held")


class _GroupsHeld:
    """On a worker: stop if xdist's loadgroup did not take the groups. xdist marks a
    grouped test by a suffix of its node id, after the groups are given above; where
    that suffix does not hold (pytest 9.2: pytest-dev/pytest-xdist#1386) each test of
    a shared fixture goes to any worker, which builds the fixture again — nothing
    fails, the suite only costs more, so it is refused here."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        lost = [
            i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid
        ]
        if lost:
            why = (
                f"pytest-xdist's --dist loadgroup is not grouping with pytest "
                f"{pytest.__version__} ({lost[0]} has no group suffix): install the "
                "versions the test extra of pyproject.toml allows"
            )
            # xdist shows a worker's exit as its own internal error, not this reason.
            print(why, file=sys.__stderr__, flush=True)
            pytest.exit(why, returncode=pytest.ExitCode.USAGE_ERROR)


def shared_group(item: pytest.Item) -> str | None:
    """The module (and the shared fixtures' parameters) of a test that uses a fixture
    wider than itself defined by the suite, else None."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    shared = sorted(
        name
        for name in info.names_closure
        if (defs := info.name2fixturedefs.get(name))
        and defs[-1].scope in _SHARED
        and defs[-1].baseid  # pytest's own (tmp_path_factory, …) have none
    )
    if not shared:
        return None
    params = getattr(item, "callspec", None)
    chosen = [str(params.params[n]) for n in shared if params and n in params.params]
    return "-".join([item.nodeid.split("::")[0], *chosen])
