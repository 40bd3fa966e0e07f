"""Which cycle a ballot slip belongs to: the issued token digests and the salts they
were made with (``/ballot/TOKEN`` carries the token alone).

A slip's link names no cycle, so the ballot page finds it here: the token is digested
under the salt of each issue of a cycle now in 督查 (the only phase that takes ballots,
so a province's years of issues cost nothing) and looked up among the issued digests.
Only what the issue events already hold is kept (salted digests, never a token), and
nothing of a cast: whether a token is spent is the cycle's to say, read when the ballot
is shown and cast.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, MetaData, String, Table

from pdca.projections.api import Batch, Projection, handles
from pdca.projections.decoding import Fact

metadata = MetaData()

#: One row per issue: its salt ("" for the unsalted digests issued before salts).
issues = Table(
    "ballot_issues",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("salt", String(32), primary_key=True),
)

#: Whether a cycle is in 督查 now: only its issues' salts are tried.
checking = Table(
    "ballot_cycles",
    metadata,
    Column("cycle_id", String(36), primary_key=True),
    Column("open", Boolean, nullable=False),
)

tokens = Table(
    "ballot_slips",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("cycle_id", String(36), nullable=False),
)


class BallotSlips(Projection):
    name = "ballot_slips"
    title = "测评票令牌（加盐摘要）所属的周期：投票页据令牌找到周期"
    version = 1
    tables = (issues, checking, tokens)

    @handles("Cycle.BallotsIssued", "Cycle.BallotsIssuedToRater")
    def issued(self, fact: Fact, batch: Batch) -> None:
        cycle = str(fact.originator_id)
        batch.put(issues, {"cycle_id": cycle, "salt": fact.get("salt") or ""})
        for digest in fact["token_digests"]:
            batch.put(tokens, {"digest": digest, "cycle_id": cycle})

    @handles("Cycle.Opened", "Cycle.StageAdvanced")
    def moved(self, fact: Fact, batch: Batch) -> None:
        stage = fact["stage"] if fact.type == "Cycle.Opened" else fact["to_stage"]
        # A stage's id begins with its phase's ("check", "check.on_site").
        open_ = stage.split(".")[0] == "check"
        batch.put(checking, {"cycle_id": str(fact.originator_id), "open": open_})

    @handles("Cycle.Voided")
    def voided(self, fact: Fact, batch: Batch) -> None:
        batch.put(checking, {"cycle_id": str(fact.originator_id), "open": False})
