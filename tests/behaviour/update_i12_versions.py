"""Update ``answers.json`` for two read models changed on purpose by issue 12, and only
where they show:

- the example projection ``task_bulletin`` 1 → 2 (item 3: a completion's day is taken in
  the database's zone, not UTC) and the built-in ``rectifications`` 2 → 3 ("smaller":
  曾被退回 stays 是 once an item was sent back), ``ledger`` 4 → 5 (item 6: a voided cycle's
  findings say 周期已作废 and are never settled): in ``projections list`` (and ``--json``)
  only those rows' version figures may move;
- ``export rectifications … --format json``: only ``rejected`` may move, and only from
  false to true (the demo's items that were sent back and accepted later).

Anything else that moved is reported and nothing is written. Run after any of these
changes (a row already at its new version is left as it is): ``python -m tests.behaviour.update_i12_versions``.
"""

from __future__ import annotations

import json

from tests.behaviour.rerecord import Answer, Args, rerecord

VERSIONS = {"task_bulletin": ("1", "2"), "rectifications": ("2", "3"), "ledger": ("4", "5")}


def _expected(args: Args, before: Answer, now: Answer) -> bool:
    if {k: v for k, v in before.items() if k != "stdout"} != {
        k: v for k, v in now.items() if k != "stdout"
    }:
        return False
    if args[:2] == ("projections", "list"):
        return _only_versions(before["stdout"], now["stdout"], "--json" in args)
    if args[:2] == ("export", "rectifications") and "json" in args:
        return _only_rejected_set(json.loads(before["stdout"]), json.loads(now["stdout"]))
    return False


def _only_versions(before: str, now: str, as_json: bool) -> bool:
    if as_json:
        old = {p["name"]: p for p in json.loads(before)}
        new = {p["name"]: p for p in json.loads(now)}
        if old.keys() != new.keys():
            return False
        for name, row in old.items():
            expected = dict(row)
            if name in VERSIONS:
                assert str(row["version"]) in VERSIONS[name], (name, row["version"])
                expected["version"] = int(VERSIONS[name][1])
            if new[name] != expected:
                return False
        return True
    lines = list(zip(before.splitlines(), now.splitlines(), strict=True))
    for b, n in lines:
        if b == n:
            continue
        cells_b, cells_n = b.split(), n.split()
        name = cells_b[0]
        if name not in VERSIONS or len(cells_b) != len(cells_n):
            return False
        at = cells_b.index(VERSIONS[name][0], 1)  # moved: it was the old figure
        cells_b[at] = VERSIONS[name][1]
        if cells_b != cells_n:
            return False
    return True


def _only_rejected_set(before: list[dict], now: list[dict]) -> bool:
    if len(before) != len(now):
        return False
    for b, n in zip(before, now, strict=True):
        if {**b, "rejected": n["rejected"]} != n:
            return False
        if b["rejected"] != n["rejected"] and not (b["rejected"] is False and n["rejected"]):
            return False
    return True


if __name__ == "__main__":
    rerecord(_expected)
