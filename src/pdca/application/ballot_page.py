"""The anonymous ballot page's use cases: the ballot a slip's token opens, and its cast.

A slip's link (``/ballot/TOKEN``) carries the token alone; the ``ballot_slips`` view
says which cycle issued it (its salted digest under each issue's salt). Showing a
ballot reads and never spends: link scanners and chat apps fetch a link before its
rater does. Only ``cast`` spends the token, through the one cast path
(``Ballots.cast_ballot``: the box keeps no token, no actor, no time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pdca.application import ballot_tokens, inputs, throttle
from pdca.application.acting import Acting
from pdca.application.recording import SCORING
from pdca.errors import Conflict, InvalidInput, NotFound, RuleViolation

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication
    from pdca.domain.cycle import Cycle

#: Longer than any token with its hyphens and a typist's spaces; a longer path is refused
#: before any digest is computed.
MAX_TOKEN = 64
OPEN, USED, CLOSED = "open", "used", "closed"
UNKNOWN = "测评票令牌无效：不是发放的令牌，或本次测评已结束；请核对票上的链接或二维码"


@dataclass(frozen=True)
class Field:
    """A box to fill in: a ballot item, or one of its 采分点."""

    id: str
    label: str
    max: Decimal


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    max: Decimal
    fields: tuple[Field, ...]  # its 采分点, or the item itself when it has none


@dataclass(frozen=True)
class BallotForm:
    cycle: str  # UNIT/PERIOD
    unit: str
    period: str
    group: str  # the group's label
    items: tuple[Item, ...]
    state: str  # OPEN, USED or CLOSED
    reason: str  # why it cannot be cast (USED, CLOSED): the refusal's own line


def _lookup(runtime: Any, token: str) -> str | None:
    """The id of the cycle whose issue made ``token``, as the view holds it now."""
    from sqlalchemy import select

    from pdca.projections.ballot_slips import checking, issues, tokens

    open_issues = (
        select(issues.c.salt)
        .join(checking, checking.c.cycle_id == issues.c.cycle_id)
        .where(checking.c.open)
        .distinct()
    )
    salts = [r["salt"] for r in runtime.rows("ballot_slips", open_issues)]
    digests = [ballot_tokens.token_digest(token, s or None) for s in salts]
    for start in range(0, len(digests), 500):  # within every database's bound parameters
        chunk = digests[start : start + 500]
        query = select(tokens.c.cycle_id).where(tokens.c.digest.in_(chunk))
        found = runtime.rows("ballot_slips", query)
        if found:
            return str(found[0]["cycle_id"])
    return None


class NotYet(NotFound):
    """Not found yet: the server's views are a moment behind the log (no miss)."""


def _cycle_of(app: PdcaApplication, token: str) -> Cycle:
    if not token or len(token) > MAX_TOKEN:
        raise NotFound("测评票令牌无效：链接不完整或不是发放的令牌")
    runtime = app.projection_runtime()
    runtime.refresh("ballot_slips")
    found = _lookup(runtime, token)
    if found is None:
        if runtime.behind("ballot_slips"):
            # A server's views follow the log a moment behind: a slip printed just now.
            raise NotYet("测评票令牌暂未生效：刚发放的票须稍候片刻，请一分钟后再打开")
        # Caught up now, perhaps only since the first look (the follower committed in
        # between): a second look is the answer.
        found = _lookup(runtime, token)
        if found is None:
            raise NotFound(UNKNOWN)
    return app.repository.get(UUID(found))


def ballot_form(app: PdcaApplication, token: str) -> BallotForm:
    """The ballot ``token`` opens, and whether it may still be cast; spends nothing.
    An unknown token is ``NotFound``."""
    cycle = _cycle_of(app, token)
    scheme = app.scheme_of(cycle)
    ballot = scheme.rules.ballot
    digest = app._issued_digest(cycle, token)
    if ballot is None or digest is None:
        raise NotFound(UNKNOWN)
    group = cycle.facts.issued_tokens[digest]
    state, reason = OPEN, ""
    if digest in cycle.facts.used_tokens:
        state, reason = USED, "这张测评票已经投过，每张票只能投一次"
    else:
        try:
            app._require_phase(cycle, SCORING, "投测评票")
            app._require_records(cycle, "ballots", f"投测评组 {group} 的测评票", group)
        except RuleViolation as exc:
            state, reason = CLOSED, f"本次测评已不再收票（{exc}）"
    items = tuple(
        Item(i.id, i.label, i.max, tuple(Field(f.id, f.label, f.max) for f in i.fields()))
        for i in ballot.items
    )
    label = next((g.label for g in ballot.groups if g.id == group), group)
    return BallotForm(cycle.address, cycle.unit, cycle.period, label, items, state, reason)


def marks(form: BallotForm, given: Mapping[str, str]) -> dict[str, Decimal]:
    """The figures typed into the form, each checked as a number; the ballot's own
    check (ranges, missing items) is the cast's."""
    found: dict[str, Decimal] = {}
    for item in form.items:
        for field in item.fields:
            text = (given.get(field.id) or "").strip()
            if not text:
                raise InvalidInput(f"{field.label} 未填写；每一项都要填 0 至 {field.max} 的分数")
            if not text.isascii():  # a full-width or Arabic-Indic digit is not read as one
                raise InvalidInput(
                    f"{field.label} 的分数 '{text}' 不是数值；应填 0 至 {field.max}，如 18 或 17.5"
                )
            value = inputs.decimal(text, f"{field.label} 的分数")
            found[field.id] = value
    return found


def server_acting(principal: str) -> Acting:
    """Who casts an anonymous ballot: the server's login (``principal``, the service
    role), on nobody's behalf — the same for every ballot. The rater holds no account
    and leaves no name; the spent token's event records no actor, the box marks only."""
    return Acting(principal=principal, person="", command="ballot cast", ballot=True)


def opened(app: PdcaApplication, token: str, client: str) -> BallotForm:
    """``ballot_form`` for a client at the address ``client``: refused (429) whatever
    the token while the address is held; an unknown token counts as its miss, and
    the miss that starts a hold is answered with the hold. A known token — open, used
    or closed — counts nothing."""
    throttle.check(app, throttle.BALLOT, client)
    try:
        return ballot_form(app, token)
    except NotYet:
        raise
    except NotFound:
        held = throttle.miss(app, throttle.BALLOT, client)
        if held:
            raise throttle.refusal(app, throttle.BALLOT, client, held) from None
        raise


def cast(
    app: PdcaApplication,
    principal: str,
    token: str,
    given: Mapping[str, str],
    client: str | None = None,
) -> None:
    """Cast, as the server's login ``principal``, the ballot ``token`` opens with the
    figures typed in; refused (nothing written) when the server may not take ballots,
    the token is unknown or spent, the box is closed or a figure is wrong — and, for
    a client at an address (``client``), while the address is held (``opened``)."""
    acting = server_acting(principal)
    app.permit(acting, acting.command)  # before anything is read
    form = ballot_form(app, token) if client is None else opened(app, token, client)
    if form.state == USED:
        raise Conflict(form.reason)
    if form.state == CLOSED:
        raise RuleViolation(form.reason)
    app.cast_ballot(acting, form.cycle, token, marks(form, given))
