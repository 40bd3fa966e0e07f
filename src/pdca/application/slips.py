"""Printed ballot slips (``pdca ballot slips``): tokens issued through the one issue
path, each paired with the link a rater opens (``BASE/ballot/TOKEN``).

The link carries the token alone: no cycle, no group, no number — nothing on a slip
tells which slip a ballot came from, and the history keeps the tokens only as salted,
sorted digests (``ballot_tokens``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pdca.application.acting import Acting
from pdca.errors import RuleViolation

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication

#: Long enough for any intranet address with a path; a QR code stays scannable on a slip.
MAX_BASE_URL = 200


@dataclass(frozen=True)
class Slips:
    cycle: str
    unit: str
    period: str
    group: str  # the group's label
    rater: str  # 分片互评: the rater unit or grid the slips go to; "" otherwise
    links: list[tuple[str, str]]  # (token, link), in the order issued


def base_url(given: str | None, configured: str) -> str:
    """The server's address the links start with: ``--base-url``, else pdca.toml's
    ``[web] base_url``; an http(s) address with a host, no query or fragment."""
    text = (given if given is not None else configured).strip()
    if not text:
        raise RuleViolation(
            "没有投票网址：用 --base-url 给出，如 --base-url https://kaohe.example.gov.cn，"
            "或在 pdca.toml 的 [web] 中设置 base_url"
        )
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or len(text) > MAX_BASE_URL
        or not text.isascii()
        or any(c.isspace() for c in text)
    ):
        raise RuleViolation(
            f"投票网址 '{text[:MAX_BASE_URL]}' 不可用；应为 http:// 或 https:// 开头、"
            f"不带 ? 与 # 的网址（至多 {MAX_BASE_URL} 个 ASCII 字符），如 https://kaohe.example.gov.cn"
        )
    return text.rstrip("/")


def issue_slips(
    app: PdcaApplication,
    acting: Acting,
    address: str,
    group: str,
    count: int,
    base: str,
    rater_unit: str | None = None,
    rater_grid: str | None = None,
) -> Slips:
    """Issue ``count`` tokens (``Ballots.issue_ballots``: its checks, its event) and
    pair each with its link under ``base`` (checked by ``base_url``)."""
    tokens = app.issue_ballots(
        acting, address, group, count, rater_unit=rater_unit, rater_grid=rater_grid
    )
    cycle = app.get_cycle(address)
    ballot = app.scheme_of(cycle).rules.ballot
    group_id = acting.named.get("group", group)
    label = next((g.label for g in ballot.groups if g.id == group_id), group_id)
    links = [(t, f"{base}/ballot/{t}") for t in tokens]
    rater = (rater_unit or rater_grid or "").strip()
    return Slips(cycle.address, cycle.unit, cycle.period, label, rater, links)
