"""Request ids (``--request-id``): a command recorded at most once, and its answer kept
so a retry after a lost answer prints what the first time printed.

``saving.save`` stores the request record in the same transaction as the command's
events; this module finds it again, tells a repeat from a misuse of the id, and keeps
the answer once the command has printed it.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

from pdca.errors import Conflict

if TYPE_CHECKING:
    from pdca.application.acting import Acting

#: Answers never kept for a replay: ballot tokens are shown once and stored only as
#: digests, so keeping the printed tokens would undo the ballot's anonymity.
WITHHELD = {
    "ballot issue": "令牌只在第一次答复中显示，不保存；如已遗失，请另行发放（换一个请求号）",
    "ballot slips": "测评票文件只在第一次写出，令牌不保存；如已遗失，请另行发放（换一个请求号）",
}


class RequestSeen(Exception):  # noqa: N818 - a signal, not an error: the answer is a replay
    """The request id was recorded meanwhile by an identical command (a retry that raced)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def request_digest(command: str, actor: str, params: dict[str, Any]) -> str:
    """What makes two invocations "the same command": name, actor and every argument."""
    import hashlib
    import json

    if command == "ballot cast":
        # A ballot's marks stay out of the stored request digest: the token's holder
        # could otherwise try every mark until the digest matched, and read the vote.
        params = {k: v for k, v in params.items() if k != "scores"}
    # A file argument (a ballot CSV) counts by its content, not its name.
    params = {
        k: (
            "sha256:" + hashlib.sha256(v.read_bytes()).hexdigest()
            if isinstance(v, PurePath) and Path(v).is_file()
            else v
        )
        for k, v in params.items()
    }
    text = json.dumps(
        {"command": command, "actor": actor, "params": params},
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def previous(app: Any, acting: Acting) -> Any:
    """The request already recorded under this id, if any; the same id for another
    command (or other arguments, or another actor) is refused."""
    from eventsourcing.application import AggregateNotFoundError

    from pdca.domain.request import request_id

    try:
        found = app.repository.get(request_id(acting.request_id or ""))
    except AggregateNotFoundError:
        return None
    if found.digest != acting.request_digest:
        raise Conflict(
            f"请求号 {acting.request_id} 已于 {app.clock.shown(found.created_on)} "
            f"由 {found.actor} 用于 pdca {found.command}，参数不同；本次未记录，请换一个请求号"
        )
    return found


def replay_text(app: Any, found: Any) -> str:
    """What a repeated request prints: the first answer, or why it cannot be repeated."""
    if found.answer is not None:
        return found.answer
    return (
        f"请求 {found.key} 已于 {app.clock.shown(found.created_on)} 记录"
        f"（pdca {found.command}，{len(found.events)} 个事件），原答复未保存；本次未重复记录\n"
    )


def keep_answer(app: Any, acting: Acting, output: str) -> None:
    """Keep what the command printed for its retries (best effort: the facts are saved)."""
    from eventsourcing.application import AggregateNotFoundError

    from pdca.domain.request import request_id

    withheld = WITHHELD.get(acting.command)
    found = acting.accepted
    if found is None or found.key != acting.request_id:
        try:
            found = app.repository.get(request_id(acting.request_id or ""))
        except AggregateNotFoundError:
            return  # the command recorded nothing (a finalisation that changed nothing)
    try:
        found.answered(output=f"{withheld}\n" if withheld else output, actor=acting.person)
        acting.stamp([found])
        app.save(found)
    except IntegrityError:
        pass  # an identical retry answered first: its answer is this one
