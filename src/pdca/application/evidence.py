"""``pdca evidence``: an attachment looked up by its digest — what it is, which events
name it, whether its bytes are there — fetched, or its bytes purged by an admin.

Lookups read the history itself (every event naming the digest), not a view: the
answer is what the chained events say, and the store is only asked for the bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from pdca.application.acting import Acting, writes
from pdca.domain.evidence import Purge, purge_id, refs_of
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation, one_of
from pdca.storage import attachments

PURGED = "purged"
STATUS_LABELS = {
    attachments.PRESENT: "完好",
    attachments.CHANGED: "内容与摘要不符",
    attachments.MISSING: "缺失",
    PURGED: "已清除",
}
_HEX = re.compile(r"[0-9a-f]{8,64}", re.ASCII)


@dataclass(frozen=True)
class Use:
    """One event naming the attachment."""

    aggregate: str
    aggregate_id: UUID
    position: int
    type: str
    recorded_at: str
    actor: str
    name: str  # the file name that event gave it


@dataclass(frozen=True)
class EvidenceInfo:
    digest: str
    name: str
    size: int
    media_type: str
    status: str  # a key of STATUS_LABELS
    uses: list[Use] = field(default_factory=list)
    purge: dict[str, Any] | None = None  # reason, actor, recorded_at

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class Evidence:
    """Mixed into ``PdcaApplication``."""

    recorder: Any
    mapper: Any
    clock: Any
    repository: Any
    _save_new: Callable[..., None]

    def evidence(self, wanted: str) -> EvidenceInfo:
        """The attachment a digest (or its first 8 or more hex digits) names."""
        from pdca.application.attaching import store

        digest, uses, ref = self._uses(wanted)
        purge = self._purge_of(digest)
        status = PURGED if purge is not None else store(self).status(digest)
        return EvidenceInfo(
            digest, ref["name"], ref["size"], ref["media_type"], status, uses, purge
        )

    def evidence_bytes(self, wanted: str) -> tuple[EvidenceInfo, bytes]:
        """The attachment and its bytes; refused when they are purged, gone or changed."""
        from pdca.application.attaching import store

        info = self.evidence(wanted)
        if info.status != attachments.PRESENT:
            extra = (
                "（pdca evidence show 查看清除记录）"
                if info.status == PURGED
                else "；运行 pdca verify 查看"
            )
            raise RuleViolation(
                f"附件 {info.name}（摘要 {info.digest[:12]}）{info.status_label}，不能取出{extra}"
            )
        data = store(self).read(info.digest)
        assert data is not None
        return info, data

    @writes("evidence purge")
    def purge_evidence(self, acting: Acting, wanted: str, reason: str) -> EvidenceInfo:
        """Remove an attachment's bytes (personal data in 暗访 evidence), as an event with
        its reason; the events naming it keep naming it, and verify says purged."""
        if not reason.strip():
            raise InvalidInput("清除附件必须写明理由（--reason）")
        digest, _uses, ref = self._uses(wanted)
        if self._purge_of(digest) is not None:
            raise Conflict(f"附件 {ref['name']}（摘要 {digest[:12]}）已清除")
        purge = Purge(
            digest=digest,
            name=ref["name"],
            size=ref["size"],
            reason=reason.strip(),
            actor=acting.person,
        )
        acting.purges = [digest]
        self._save_new(acting, purge, f"附件（摘要 {digest[:12]}）已清除")
        return self.evidence(digest)

    def _purge_of(self, digest: str) -> dict[str, Any] | None:
        if not self.recorder.select_events(purge_id(digest), limit=1):
            return None
        purge = self.repository.get(purge_id(digest))
        return {
            "reason": purge.reason,
            "actor": purge.actor,
            "recorded_at": self.clock.iso(purge.created_on),
        }

    def _uses(self, wanted: str) -> tuple[str, list[Use], dict[str, Any]]:
        """The full digest ``wanted`` names, every event naming it, and its first
        reference (name, size, media type)."""
        from pdca.application.verifying import _label, _pages, _state

        key = wanted.strip().lower()
        if not _HEX.fullmatch(key):
            raise RuleViolation(
                f"'{wanted}' 不是附件摘要；应为 SHA-256 摘要（64 位十六进制）或其前 8 位以上"
            )
        cipher = self.mapper.cipher
        found: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
        labels: dict[UUID, str] = {}
        for row in _pages(self.recorder, ()):
            if cipher is None and row.originator_version != 1 and key.encode() not in row.state:
                continue  # plaintext rows not naming it are skipped unread
            state = _state(row, cipher)
            if state is None:
                continue
            if row.originator_version == 1:
                labels[row.originator_id] = _label(row.originator_id, row.topic, state)
            for ref in refs_of(state):
                if ref["digest"].startswith(key):
                    found.setdefault(ref["digest"], []).append((row, ref))
        if not found:
            raise NotFound(f"没有事件附有摘要为 {wanted} 的文件；附件见 pdca history 或 explain")
        if len(found) > 1:
            raise RuleViolation(
                f"摘要前缀 {wanted} 对应多个附件：{one_of(d[:16] for d in sorted(found))}；请多写几位"
            )
        digest, rows = next(iter(found.items()))
        uses = []
        for row, ref in rows:
            event = self.mapper.to_domain_event(row)
            uses.append(
                Use(
                    labels.get(row.originator_id, f"聚合 {row.originator_id}"),
                    row.originator_id,
                    row.originator_version,
                    type(event).__name__,
                    self.clock.iso(event.timestamp),
                    getattr(event, "actor", ""),
                    ref.get("name", ""),
                )
            )
        return digest, uses, rows[0][1]
