"""Reading one aggregate's hash chain back: which stored positions were tampered with.

Pure: rows in, findings out. Each stored row gives its version, the digest of its
content and the predecessor digest it recorded (``pdca.storage.chain``). Following the
links from the genesis rebuilds the order the events were written in; every place
where the stored rows disagree with that order is named once:

* removed   — a version is missing below the highest one stored or published;
* changed   — the row's content is not what its successor (or a published head
              digest) recorded, or it cannot be read at all;
* reordered — the row holds content whose links place it at another position;
* inserted  — the row names as its predecessor an event that already has its own
              successor (a copied or forged extra event).

A rewrite that recomputes every later link is consistent by construction: only a
head digest published at round finalisation (and printed by ``explain``) exposes
it, as a change at that head.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pdca.storage.chain import GENESIS

KIND_LABELS = {
    "changed": "被修改",
    "removed": "被删除",
    "reordered": "被调换位置",
    "inserted": "被插入",
    # Not read from the chain but from the PostgreSQL principal stamp (storage/stamps.py).
    "principal": "登录不符",
    "unstamped": "缺登录戳",
    # Not read from the chain but from the attachments' store (storage/attachments.py):
    # the bytes an event names by digest are not those bytes, or are gone unpurged.
    "attachment_changed": "附件被修改",
    "attachment_missing": "附件缺失",
    # Not in the chain: a snapshot that its events do not fold to (application/snapshot_checks.py).
    "snapshot": "快照不符",
}


@dataclass(frozen=True)
class Row:
    version: int
    digest: str
    link: str | None  # None: unreadable, or no link stored


@dataclass(frozen=True)
class Anchor:
    """A head digest recorded by a round's finalisation."""

    head: int
    digest: str
    source: str  # where it was published, e.g. "轮次 2024（jilin）第 1 次定稿"


@dataclass(frozen=True)
class Tamper:
    position: int
    kind: str  # a key of KIND_LABELS
    detail: str


def inspect(rows: Iterable[Row], anchors: Iterable[Anchor] = ()) -> list[Tamper]:
    rows = sorted(rows, key=lambda r: r.version)
    anchors = [a for a in anchors if a.digest]
    at = {r.version: r for r in rows}
    owner: dict[str, int] = {}
    successors: dict[str, list[Row]] = {}
    for r in rows:
        owner.setdefault(r.digest, r.version)
        if r.link is not None:
            successors.setdefault(r.link, []).append(r)
    found: dict[tuple[int, str], Tamper] = {}

    def note(position: int, kind: str, detail: str) -> None:
        found.setdefault((position, kind), Tamper(position, kind, detail))

    top = max([r.version for r in rows] + [a.head for a in anchors], default=0)
    missing = {v for v in range(1, top + 1) if v not in at}
    for v in sorted(missing):
        note(v, "removed", "该位置的事件已不在库中")

    placed: dict[int, int] = {}  # stored version -> position by the chain

    def walk(digest: str, position: int) -> None:
        while True:
            candidates = [r for r in successors.get(digest, ()) if r.version not in placed]
            if not candidates:
                return
            # Of two events claiming one predecessor, the one the rest of the chain
            # continues from is the original; then the one stored in that place.
            pick = min(
                candidates,
                key=lambda r: (r.digest not in successors, r.version != position, r.version),
            )
            placed[pick.version] = position
            digest, position = pick.digest, position + 1

    walk(GENESIS, 1)
    for r in rows:
        if r.version in placed:
            continue
        _explain_break(r, at, owner, placed, missing, note)
        placed[r.version] = r.version
        walk(r.digest, r.version + 1)

    for version, position in placed.items():
        if version != position:
            note(version, "reordered", f"此处存放的是按链应在第 {position} 号的事件")
    flagged = {position for position, _ in found}
    for a in anchors:
        row = at.get(a.head)
        if row is not None and a.head not in flagged and row.digest != a.digest:
            note(
                a.head,
                "changed",
                f"截至此处的链摘要与{a.source}发布的 {a.digest[:16]}… 不符（此前的历史被改写）",
            )
    return sorted(found.values(), key=lambda t: (t.position, t.kind))


def _explain_break(
    r: Row,
    at: dict[int, Row],
    owner: dict[str, int],
    placed: dict[int, int],
    missing: set[int],
    note: Callable[[int, str, str], None],
) -> None:
    """Why the chain does not reach row ``r``."""
    if r.link is None:
        note(r.version, "changed", "内容无法读取（或无法解密），或缺少链接")
        return
    predecessor = 0 if r.link == GENESIS else owner.get(r.link)
    if predecessor is not None:
        copy = owner[r.digest]
        copied = f"，内容与第 {copy} 号事件相同" if copy != r.version else ""
        if predecessor in placed or predecessor == 0:
            after = f"第 {predecessor} 号事件之后" if predecessor else "开头"
            note(r.version, "inserted", f"它声称接在{after}，那里已有别的事件{copied}")
        else:
            note(r.version, "reordered", f"它的内容接在第 {predecessor} 号事件之后")
        return
    previous = r.version - 1
    if previous in missing:
        return  # the removal explains the break
    if previous == 0 or previous not in at:
        note(r.version, "changed", "它记录的前一事件摘要不属于任何事件")
        return
    note(previous, "changed", f"内容与第 {r.version} 号事件记录的摘要不符")
