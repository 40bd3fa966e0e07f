"""Results used (考用结合): what a published outcome brings, by the scheme's
``[[conversions]]`` and ``[[consequences]]`` (format 3). Pure: the outcomes come from
``ranking.rank`` as published, the earlier years' from their rounds' publications.

- A conversion starts from the **unrounded** total and rounds once, half-up, at its own
  precision (吉林: 「0.005分就能決定政府部門的績效獎金檔次」 — converting the rounded
  total would round twice).
- A consequence holds when every condition it gives holds; with ``years`` = N it must
  hold in this year and in each of the N − 1 years before, each read from that year's
  published outcome of the same unit (a year not published, or without the unit, breaks
  the run).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pdca.rules.scoring_rules import Consequence, Conversion, Rules


def earlier_period(period: str, years_back: int) -> str:
    """The same period ``years_back`` years earlier (``2024-Q2`` → ``2023-Q2``)."""
    year, rest = period[:4], period[4:]
    return f"{int(year) - years_back}{rest}"


def convert(conversion: Conversion, outcome: Mapping[str, Any], scale: Decimal) -> dict | None:
    """The outcome's points in the other assessment, or None for a unit category the
    conversion does not name."""
    worth = dict(conversion.by_category).get(outcome["category"])
    if worth is None:
        return None
    unrounded = Decimal(str(outcome["unrounded"]))
    exact = unrounded * worth / scale
    return {
        "id": conversion.id,
        "label": conversion.label,
        "of": str(worth),
        "from": str(unrounded),
        "exact": str(exact),
        "points": str(exact.quantize(conversion.precision, rounding=ROUND_HALF_UP)),
    }


def scope_sizes(outcomes: list[Mapping[str, Any]], rules: Rules) -> dict[str, int]:
    """How many units each unit was ranked among (its ranking scope)."""
    counts: dict[str, int] = {}
    for o in outcomes:
        key = o["category"] if rules.rank_by == "category" else ""
        counts[key] = counts.get(key, 0) + 1
    return {
        o["unit"]: counts[o["category"] if rules.rank_by == "category" else ""] for o in outcomes
    }


def holds(consequence: Consequence, outcome: Mapping[str, Any], scope: int, rules: Rules) -> bool:
    """Does one year's published outcome meet every condition of ``consequence``?"""
    if consequence.grades and outcome.get("grade") not in consequence.grades:
        return False
    if consequence.tiers and _tier_id(outcome.get("tier"), rules) not in consequence.tiers:
        return False
    rank = int(outcome["rank"])
    if consequence.top is not None and rank > consequence.top:
        return False
    if consequence.bottom is not None and rank <= scope - consequence.bottom:
        return False
    if consequence.conversion:
        conversion = next(c for c in rules.conversions if c.id == consequence.conversion)
        converted = convert(conversion, outcome, rules.scale)
        if converted is None:
            return False
        points = Decimal(converted["points"])
        if consequence.min is not None and points < consequence.min:
            return False
        if consequence.below is not None and points >= consequence.below:
            return False
    return True


def _tier_id(published: str | None, rules: Rules) -> str | None:
    """A published outcome names its tier by label (``三档``); the scheme by id."""
    return next((t.id for t in rules.tiers if published in (t.label, t.id)), None)


def conditions(consequence: Consequence, tier_labels: Mapping[str, str] | None = None) -> str:
    """The condition in words, as ``explain`` and the report show it; with
    ``tier_labels`` (id → label) tiers are named by label, id after (``scheme show``)."""
    parts = []
    if consequence.grades:
        parts.append(f"等次为 {'/'.join(consequence.grades)}")
    if consequence.tiers:
        named = (
            consequence.tiers
            if tier_labels is None
            else [f"{tier_labels.get(t, t)}（{t}）" for t in consequence.tiers]
        )
        parts.append(f"档次为 {'/'.join(named)}")
    if consequence.top is not None:
        parts.append(f"排名前 {consequence.top}")
    if consequence.bottom is not None:
        parts.append(f"排名末 {consequence.bottom}")
    if consequence.conversion:
        bound = f"≥ {consequence.min}" if consequence.min is not None else f"< {consequence.below}"
        parts.append(f"折算分 {consequence.conversion} {bound}")
    text = "且".join(parts)
    return f"连续 {consequence.years} 年{text}" if consequence.years > 1 else text


#: Per earlier period: (its finalisation count, its published outcomes), or absent.
History = Mapping[str, tuple[int, list[Mapping[str, Any]]]]


def evaluate(
    rules: Rules, period: str, outcomes: list[Mapping[str, Any]], history: History
) -> list[dict[str, Any]]:
    """One record per unit: its conversions, the consequences that hold, and which
    earlier publications were read (so a later re-finalisation of them can revise it)."""
    sizes = scope_sizes(outcomes, rules)
    earlier = {
        p: (n, {o["unit"]: o for o in rows}, scope_sizes(rows, rules))
        for p, (n, rows) in history.items()
    }
    records = []
    for outcome in outcomes:
        unit = outcome["unit"]
        applied = []
        for consequence in rules.consequences:
            if not holds(consequence, outcome, sizes[unit], rules):
                continue
            run = [period]
            for back in range(1, consequence.years):
                before = earlier.get(earlier_period(period, back))
                if before is None or unit not in before[1]:
                    break
                if not holds(consequence, before[1][unit], before[2][unit], rules):
                    break
                run.append(earlier_period(period, back))
            if len(run) < consequence.years:
                continue
            applied.append(
                {
                    "id": consequence.id,
                    "label": consequence.label,
                    "because": conditions(consequence),
                    "periods": sorted(run),
                    **(
                        {"amount": str(consequence.amount)}
                        if consequence.amount is not None
                        else {}
                    ),
                }
            )
        conversions = [
            c for c in (convert(x, outcome, rules.scale) for x in rules.conversions) if c
        ]
        records.append(
            {
                "unit": unit,
                "cycle": outcome["cycle"],
                "conversions": conversions,
                "consequences": applied,
                "read": [{"period": p, "finalisation": earlier[p][0]} for p in sorted(earlier)],
            }
        )
    return records


def read_back(rules: Rules) -> int:
    """How many earlier years the consequences read (0: none)."""
    return max((c.years for c in rules.consequences), default=1) - 1


def differences(
    before: Mapping[str, Mapping[str, Any]], after: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per unit, the consequences added and removed (by label), only where they differ."""
    changes = []
    for record in after:
        old = before.get(record["unit"], {})
        was = {c["id"]: c["label"] for c in old.get("consequences", [])}
        now = {c["id"]: c["label"] for c in record["consequences"]}
        added = [now[k] for k in now if k not in was]
        removed = [was[k] for k in was if k not in now]
        if added or removed:
            changes.append(
                {
                    "unit": record["unit"],
                    "cycle": record["cycle"],
                    "added": added,
                    "removed": removed,
                }
            )
    return changes
