"""What the anchors of a file say about the history stored now. Pure.

Each anchor's heads become published heads of ``pdca.storage.tamper`` (so a changed
or missing event at or below an anchored head is named there, by position), and every
aggregate an anchor does not list but whose first event lies at or below the anchor's
log head is named as inserted: it was not there when the anchor was taken. Aggregates
begun later are simply new.

A restore from backup is declared by an anchor taken after it with ``restore``: for
every earlier anchor, what the restore anchor records differently (an aggregate
set back, gone or new) is the declared restore, not tampering; what it records the
same must still be there. Log positions above the restore anchor's log head were
written after the restore, so they are new to every earlier anchor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pdca.storage.anchors import FileAnchor
from pdca.storage.tamper import Anchor, Tamper


@dataclass
class Findings:
    heads: dict[str, list[Anchor]] = field(default_factory=dict)  # aggregate id hex → heads
    inserted: dict[str, Tamper] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)  # aggregates the restore accounts for
    damaged: list[FileAnchor] = field(default_factory=list)  # lines their digest disowns


def source(anchor: FileAnchor) -> str:
    return f"第 {anchor.seq} 号锚点（{anchor.taken_at}）"


def compare(anchors: Iterable[FileAnchor], first_seen: dict[str, int]) -> Findings:
    """``first_seen``: each stored aggregate (id hex) → the log position of its first event."""
    found = Findings()
    ordered = sorted(anchors, key=lambda a: a.seq)
    intact = []
    for a in ordered:
        (intact if a.intact else found.damaged).append(a)
    for a in intact:
        restores = [r for r in intact if r.restore and r.seq > a.seq]
        for oid, (version, digest) in a.heads.items():
            if any(r.heads.get(oid) != (version, digest) for r in restores):
                found.declared.add(oid)
                continue
            found.heads.setdefault(oid, []).append(Anchor(version, digest, source(a)))
        limit = min([a.log_head, *(r.log_head for r in restores)])
        for oid, first in first_seen.items():
            if oid in a.heads or first > limit or oid in found.inserted:
                continue
            if any(oid in r.heads for r in restores):
                found.declared.add(oid)
                continue
            found.inserted[oid] = Tamper(
                1,
                "inserted",
                f"{source(a)}截至日志第 {a.log_head} 号事件，其中没有这个聚合，"
                f"而它的第一个事件在日志第 {first} 号（不是之后才开始的）",
            )
    return found
