"""Anchors outside the database: taking one, and the 校验码 that names it.

An anchor is read from the rows as stored (like ``verify``: never through the domain),
so it records what the database holds, not what a tampered row would make the domain
believe. Digests are of the stored bytes, ciphertext included, so nothing is decrypted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from pdca import log
from pdca.application import saving
from pdca.application.acting import Acting, writes
from pdca.domain import names
from pdca.errors import NotFound
from pdca.storage import anchors as fmt
from pdca.storage.chain import digest_of

PAGE = 5000
TAKEN = "pdca.domain.anchor:Anchor.Taken"
#: An anchor's note (why it was taken; a restore names its backup).
NOTE = names.NameKind("锚点说明", 500)


def stored_heads(recorder: Any, stop: int | None = None) -> tuple[int, dict[str, tuple[int, str]]]:
    """The log head and every aggregate's (version, digest) of its highest stored event,
    up to notification ``stop`` (all, when None)."""
    head = (recorder.max_notification_id() or 0) if stop is None else stop
    heads: dict[str, tuple[int, str]] = {}
    start = 1
    while True:
        page = recorder.select_notifications(start=start, limit=PAGE, stop=head)
        for n in page:
            key = str(n.originator_id)
            known = heads.get(key)
            if known is None or known[0] < n.originator_version:
                heads[key] = (n.originator_version, digest_of(n))
        if len(page) < PAGE:
            return head, heads
        start = page[-1].id + 1


class Anchoring:
    """Mixed into ``PdcaApplication`` (see ``USE_CASES``)."""

    recorder: Any
    repository: Any
    workspace: Any
    clock: Any
    tell: Any
    save: Any

    @writes("anchor")
    @saving.commutes
    def take_anchor(
        self, acting: Acting, note: str = "", restore: bool = False, target: str | None = None
    ) -> dict[str, Any]:
        """Record an anchor (an event) and append it to the anchors file (``target``, else
        the workspace's). ``restore``: declares that the database was restored from a
        backup, so earlier anchors' differences up to now are that restore."""
        note = names.check_name(note, NOTE) if note.strip() else ""
        if restore and not note:
            from pdca.errors import RuleViolation

            raise RuleViolation("声明从备份恢复时须用 --note 写明恢复自哪份备份、为何恢复")
        path = Path(target) if target else self.workspace.anchors_file
        taken, aggregate = self._anchor(acting, note, restore, path)
        saving.save(self, acting, [aggregate], lambda read: _taken_meanwhile(self, read))
        fmt.append(path, [fmt.line_of(taken)])
        log.info("anchor_taken", actor=acting.person, anchor=taken.seq, log_head=taken.log_head)
        return _answer(taken, path)

    def anchor_after(self, acting: Acting, note: str) -> dict[str, Any] | None:
        """An anchor right after a command that published something (``round finalize``).
        The command is recorded already: a failure here is told, and the command stands."""
        from eventsourcing.persistence import IntegrityError

        from pdca.errors import PdcaError

        path = self.workspace.anchors_file
        try:
            taken, aggregate = self._anchor(acting, note, False, path)
            acting.stamp([aggregate])  # who connected, as saving.save records it
            self.save(aggregate)
            fmt.append(path, [fmt.line_of(taken)])
        except (PdcaError, IntegrityError) as exc:
            self.tell(f"注意：结果已记录，但未能写入锚点（{exc}）；请运行 pdca anchor 补记")
            return None
        return _answer(taken, path)

    def _anchor(self, acting: Acting, note: str, restore: bool, path: Path) -> tuple[Any, Any]:
        from pdca.domain.anchor import Anchor

        fmt.check_appendable(path)
        on_file = fmt.read(path, missing_ok=True)
        log_head, heads = stored_heads(self.recorder)
        seq = _next_seq(self.recorder, on_file.highest)
        taken = fmt.make(seq, self.clock.iso(_now()), acting.person, note, restore, log_head, heads)
        aggregate = Anchor(
            seq=seq,
            log_head=log_head,
            aggregates=len(heads),
            digest=taken.digest,
            note=note,
            restore=restore,
            actor=acting.person,
        )
        return taken, aggregate

    def latest_anchor(self) -> dict[str, Any] | None:
        """The newest anchor the database records, its 校验码, and how many events were
        recorded after it (other than anchors themselves)."""
        seq = _highest_seq(self.recorder, 0)
        if seq == 0:
            return None
        anchor = self._get_anchor(seq)
        after, start = 0, anchor.log_head + 1
        while True:  # anchors and request records are not what a reader asks about
            page = self.recorder.select_notifications(start=start, limit=PAGE)
            after += sum(
                1
                for n in page
                if n.topic != TAKEN and not n.topic.startswith("pdca.domain.request:")
            )
            if len(page) < PAGE:
                break
            start = page[-1].id + 1
        return {
            "anchor": seq,
            "code": fmt.code(seq, anchor.digest),
            "log_head": anchor.log_head,
            "taken_at": self.clock.shown(anchor.created_on),
            "events_after": after,
        }

    def check_code(self, text: str, file: str | None = None) -> dict[str, Any]:
        """Whether a printed 校验码 names an anchor the database (and the file) records."""
        seq, prefix = fmt.parse_code(text)
        found: dict[str, Any] = {"code": fmt.code(seq, prefix), "anchor": seq}
        try:
            anchor = self._get_anchor(seq)
        except NotFound:
            found.update(in_database=None, matches=False)
        else:
            found.update(
                in_database=fmt.code(seq, anchor.digest),
                matches=anchor.digest.startswith(prefix),
                taken_at=self.clock.shown(anchor.created_on),
                log_head=anchor.log_head,
                note=anchor.note,
            )
        if file is not None:
            on_file = [a for a in fmt.read(Path(file)).anchors if a.seq == seq]
            found["in_file"] = fmt.code(seq, on_file[-1].digest) if on_file else None
            found["file_intact"] = bool(on_file) and on_file[-1].intact
            found["matches"] = (
                found["matches"] and found["file_intact"] and on_file[-1].digest.startswith(prefix)
            )
        return found

    def _get_anchor(self, seq: int) -> Any:
        from eventsourcing.application import AggregateNotFoundError

        from pdca.domain.anchor import anchor_id

        try:
            return self.repository.get(anchor_id(seq))
        except AggregateNotFoundError:
            raise NotFound(f"库中没有第 {seq} 号锚点") from None


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0)


def _answer(taken: fmt.FileAnchor, path: Path) -> dict[str, Any]:
    return {
        "anchor": taken.seq,
        "code": fmt.code(taken.seq, taken.digest),
        "digest": taken.digest,
        "log_head": taken.log_head,
        "aggregates": len(taken.heads),
        "restore": taken.restore,
        "file": str(path),
        "signed": False,
    }


def _exists(recorder: Any, seq: int) -> bool:
    from pdca.domain.anchor import anchor_id

    return bool(recorder.select_events(anchor_id(seq), limit=1))


def _highest_seq(recorder: Any, at_least: int) -> int:
    """The highest anchor number the database holds above ``at_least`` (or it): probe
    upwards in doubling steps, then halve back (a few reads, however many anchors)."""
    low, step = at_least, 1
    while _exists(recorder, low + step):
        low, step = low + step, step * 2
    high = low + step  # absent
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _exists(recorder, middle) else (low, middle)
    return low


def _next_seq(recorder: Any, on_file: int) -> int:
    """After both the database's and the file's anchors: after a restore from backup the
    database has forgotten anchors the file still holds, and a number is never reused."""
    return max(_highest_seq(recorder, 0), on_file) + 1


def _taken_meanwhile(app: Any, read: dict[UUID, int]) -> saving.ChangedUnderneath:
    # Another anchor took this number: ``commutes`` runs the command again with the next.
    return saving.ChangedUnderneath("锚点编号已被同时记录的另一个锚点占用")
