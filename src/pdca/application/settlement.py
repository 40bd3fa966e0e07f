"""秋后算账: how far the year's ledger moved each unit in its round's ranking.

吉林's worked case: a unit that did well in the year-end 述职评议 still fell to the
third tier because an unannounced visit earlier in the year found staff gaming at
work. So a unit's "rank before 秋后算账" is its rank on the year-end assessment
alone — its cycle scored with the ledger's findings left out — and its "rank after"
is its rank with them, as finalisation ranks it. Both sides come from the one
scoring function (``scoring.score``) and ``ranking.rank``; nothing here adds a
figure up itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pdca.domain.facts import CycleFacts, Finding


def without_findings(facts: CycleFacts) -> CycleFacts:
    """The same facts with the ledger's findings (and their corrections) left out."""
    kept = {p: f for p, f in facts.facts.items() if not isinstance(f, Finding)}
    return replace(facts, facts=kept)


class Settlement:
    """Loaded into ``PdcaApplication`` on first use (see ``USE_CASES``)."""

    list_rounds: Callable[..., list[dict[str, Any]]]
    get_round: Callable[..., Any]
    _round_cycles: Callable[..., list[Any]]
    _entries: Callable[..., Any]

    def ledger_moves(self, period: str) -> list[dict[str, Any]]:
        """Per unit of each round of ``period``: rank and total without and with the
        ledger, and how many places the ledger moved it: ``rank_change`` (negative: it
        fell, as people read a change of rank) and ``fell_by`` (its opposite). The units
        moved most come first. Cycles that cannot be scored yet are left out."""
        from pdca.domain.ids import check_period
        from pdca.rules import ranking

        period = check_period(period)
        moves: list[dict[str, Any]] = []
        for row in self.list_rounds():
            if row["period"] != period:
                continue
            pairs = self._round_cycles(self.get_round(period, row["scheme_id"]))
            if not pairs:
                continue
            after, scheme = self._entries(pairs)
            before, _ = self._entries([(c, without_findings(f)) for c, f in pairs])
            ranked_after = _ranks(ranking, after, scheme.rules)
            ranked_before = _ranks(ranking, before, scheme.rules)
            findings = {c.address: len(f.findings()) for c, f in pairs}
            for cycle, now in ranked_after.items():
                was = ranked_before.get(cycle)
                if was is None:
                    continue
                moves.append(
                    {
                        "cycle": cycle,
                        "unit": now.unit,
                        "category": now.category,
                        "scheme": row["scheme_id"],
                        "findings": findings[cycle],
                        "total_before": was.total,
                        "total_after": now.total,
                        "rank_before": was.rank,
                        "rank_after": now.rank,
                        "tier_before": was.tier,
                        "tier_after": now.tier,
                        "fell_by": now.rank - was.rank,
                        "rank_change": was.rank - now.rank,
                    }
                )
        moves.sort(key=lambda m: (-abs(m["fell_by"]), m["scheme"], m["rank_after"], m["unit"]))
        return moves


def _ranks(ranking: Any, entries: list[Any], rules: Any) -> dict[str, Any]:
    scoreable = [e for e in entries if not e.breakdown.refused]
    return {o.cycle: o for o in ranking.rank(scoreable, rules)}
