"""The one way an update script rewrites ``answers.json``: run the behaviour script anew,
pair each answer with the recorded one in order (the script repeats some commands), and
write the new answers only if every one that moved is one the change meant to move.

An update script says what its change meant — which answers may move (``meant``), which
commands are new (``added``) or gone (``removed``) — and calls ``rerecord``. Anything
else that moved is named and nothing is written, so a script can be run again after any
merge: what it already re-recorded is unchanged and passes.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

Args = tuple[str, ...]
Answer = dict[str, Any]


def rerecord(
    meant: Callable[[Args, Answer, Answer], bool],
    *,
    added: Callable[[Args], bool] = lambda args: False,
    removed: Collection[Args] = (),
) -> list[str]:
    """Re-record the answers ``meant(args, before, now)`` allows to move; return them."""
    from tests.conftest import cli

    recorded = [
        a
        for a in json.loads(ANSWERS.read_text(encoding="utf-8"))
        if tuple(a["args"]) not in removed
    ]
    known = {tuple(a["args"]) for a in recorded}
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    then = iter(recorded)
    updated: list[Answer] = []
    moved: list[str] = []
    changed: list[str] = []
    for now in found:
        args = tuple(now["args"])
        said = " ".join(args)
        if args not in known:
            (changed if added(args) else moved).append(said)
            updated.append(now)
            continue
        before = next(then, None)
        if before is None or tuple(before["args"]) != args:
            sys.exit(f"the script's commands moved at {said}; nothing written")
        if now == before:
            updated.append(before)
        elif meant(args, before, now):
            changed.append(said)
            updated.append(now)
        else:
            moved.append(said)
    if next(then, None) is not None:
        sys.exit("recorded answers are left over: the script's commands moved; nothing written")
    if moved:
        sys.exit(f"answers changed beyond what this change meant, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("re-recorded:", *changed, sep="\n  ", file=sys.stderr)
    return changed


def in_(commands: Collection[Args]) -> Callable[[Args, Answer, Answer], bool]:
    """``meant`` for a change that re-records exactly these commands' answers."""
    return lambda args, before, now: args in commands


def only_lines_naming(names: Collection[str], before: Answer, now: Answer) -> bool:
    """The exit code and stderr are the same, and stdout differs only on lines naming one
    of ``names`` (a rewritten scheme's digest, its warnings)."""
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False

    def rest(text: str) -> list[str]:
        return [line for line in text.splitlines() if not any(n in line for n in names)]

    return rest(before["stdout"]) == rest(now["stdout"])


#: The answers a rewritten scheme file moves: its ``scheme show`` whole, and in these
#: only the lines naming it (its digest, its warnings).
SCHEME_LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}


def schemes_rewritten(
    whole: Collection[Args], rewritten: Collection[str], naming: Collection[str]
) -> Callable[[Args, Answer, Answer], bool]:
    """``meant`` for a change that rewrites the schemes ``rewritten`` (ids) and the
    answers ``whole`` (helps): ``scheme show`` of a rewritten scheme whole (same exit code
    and stderr); elsewhere in ``SCHEME_LISTS`` only the lines naming one of ``naming``."""

    def meant(args: Args, before: Answer, now: Answer) -> bool:
        if args in whole:
            return True
        if args[:2] not in SCHEME_LISTS:
            return False
        if args[:2] == ("scheme", "show"):
            same = before["exit_code"] == now["exit_code"] and before["stderr"] == now["stderr"]
            return same and len(args) > 2 and args[2] in rewritten
        return only_lines_naming(naming, before, now)

    return meant
