"""Rank the scored units of a round and place them: grades, vetoes, forced
distribution, tiers. Pure; the totals come from ``scoring.score`` and nothing else.

The documented rules (docs/schemes.md):
- order: the rounded total, then the scheme's tie-break components (unrounded
  scores), higher first; units still equal share a rank (1, 2, 2, 4);
- grade: the first band whose ``min`` the rounded total reaches; then vetoes force or
  cap it; then each forced-distribution quota, in file order, moves the units beyond
  its headcount (lowest first) to the grade just below the quota's grades; units tied
  at the boundary move together, so a quota is never exceeded;
- tier: by rank within the scope (``top_share``, headcount rounded half-up) or by the
  rounded total (``min``); a vetoed unit is placed in the last tier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from pdca.rules.scoring import Breakdown
from pdca.rules.scoring_rules import HUNDRED, Rules

_QUOTA_ROUNDING = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}


@dataclass(frozen=True)
class Entry:
    cycle: str
    unit: str
    category: str
    breakdown: Breakdown


@dataclass(frozen=True)
class Outcome:
    cycle: str
    unit: str
    category: str
    total: Decimal
    unrounded: Decimal
    rank: int
    grade: str
    tier: str
    veto: str
    note: str = ""


def _sort_key(entry: Entry, rules: Rules) -> tuple[Decimal, ...]:
    # Only complete cycles are ranked (finalisation refuses the others), so every
    # figure here is a score.
    assert entry.breakdown.total is not None, entry.cycle
    keys = [entry.breakdown.total]
    for ref in rules.tie_break:
        component = entry.breakdown.component(ref.partition(":")[2])
        keys.append(component.score if component and component.score is not None else Decimal(0))
    return tuple(keys)


def headcount(units: int, share: Decimal, rounding: str = "floor") -> int:
    return int(
        (Decimal(units) * share / HUNDRED).to_integral_value(rounding=_QUOTA_ROUNDING[rounding])
    )


def rank(entries: list[Entry], rules: Rules) -> list[Outcome]:
    scopes: dict[str, list[Entry]] = {}
    for entry in entries:
        scopes.setdefault(entry.category if rules.rank_by == "category" else "", []).append(entry)
    outcomes: list[Outcome] = []
    for scope in scopes.values():
        outcomes += _rank_scope(scope, rules)
    if rules.distribution_scope != rules.rank_by:
        # Quotas over another scope than the ranking: apply them over that scope.
        outcomes = _apply_quotas_by_scope(outcomes, entries, rules)
    return outcomes


def _rank_scope(scope: list[Entry], rules: Rules) -> list[Outcome]:
    ordered = sorted(scope, key=lambda e: (tuple(-k for k in _sort_key(e, rules)), e.unit))
    outcomes: list[Outcome] = []
    previous_key, previous_rank = None, 0
    for position, entry in enumerate(ordered, 1):
        key = _sort_key(entry, rules)
        current_rank = previous_rank if key == previous_key else position
        previous_key, previous_rank = key, current_rank
        grade, veto, note = _grade(entry.breakdown, rules)
        outcomes.append(
            Outcome(
                entry.cycle,
                entry.unit,
                entry.category,
                entry.breakdown.total,
                entry.breakdown.unrounded,
                current_rank,
                grade,
                "",
                veto,
                note,
            )
        )
    if rules.distribution_scope == rules.rank_by:
        outcomes = _apply_quotas(
            outcomes,
            rules,
            {o.cycle: _sort_key(e, rules) for o, e in zip(outcomes, ordered, strict=True)},
        )
    return _tiers(outcomes, rules)


def _grade(breakdown: Breakdown, rules: Rules) -> tuple[str, str, str]:
    if not rules.grades:
        return "", "", ""
    assert breakdown.total is not None
    grade = next(g.id for g in rules.grades if breakdown.total >= g.min)
    vetoes, notes = [], []
    for applied in breakdown.vetoes:
        veto = rules.veto(applied.id)
        assert veto is not None
        label = applied.label
        vetoes.append(label)
        if veto.effect == "force_grade" or rules.grade_index(grade) < rules.grade_index(veto.grade):
            notes.append(f"一票否决「{label}」：{grade} → {veto.grade}")
            grade = veto.grade
    return grade, "；".join(vetoes), "；".join(notes)


def _apply_quotas(
    outcomes: list[Outcome], rules: Rules, keys: dict[str, tuple[Decimal, ...]]
) -> list[Outcome]:
    if not rules.quotas or not rules.grades:
        return outcomes
    by_cycle = {o.cycle: o for o in outcomes}
    order = [o.cycle for o in outcomes]  # already in rank order
    for quota in rules.quotas:
        allowed = headcount(len(order), quota.max_share, quota.rounding)
        members = [c for c in order if by_cycle[c].grade in quota.grades]
        if len(members) <= allowed:
            continue
        # The boundary: units tied with the first one beyond the headcount all move.
        cut = allowed
        while cut > 0 and keys[members[cut - 1]] == keys[members[allowed]]:
            cut -= 1
        lowest = max(rules.grade_index(g) for g in quota.grades)
        below = rules.grades[min(lowest + 1, len(rules.grades) - 1)].id
        for cycle in members[cut:]:
            o = by_cycle[cycle]
            share = f"{quota.max_share}%"
            note = f"强制分布：{'+'.join(quota.grades)} 不超过 {share}（{len(order)} 个单位中 {allowed} 个），{o.grade} → {below}"
            by_cycle[cycle] = replace(
                o, grade=below, note="；".join(x for x in (o.note, note) if x)
            )
    return [by_cycle[c] for c in order]


def _apply_quotas_by_scope(
    outcomes: list[Outcome], entries: list[Entry], rules: Rules
) -> list[Outcome]:
    keys = {e.cycle: _sort_key(e, rules) for e in entries}
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.category if rules.distribution_scope == "category" else "", []).append(
            o
        )
    result: list[Outcome] = []
    for group in groups.values():
        ordered = sorted(group, key=lambda o: (tuple(-k for k in keys[o.cycle]), o.unit))
        result += _apply_quotas(ordered, rules, keys)
    return result


def _tiers(outcomes: list[Outcome], rules: Rules) -> list[Outcome]:
    if not rules.tiers:
        return outcomes
    placed = []
    for o in outcomes:
        tier = rules.tiers[-1]
        if not o.veto:
            for candidate in rules.tiers:
                if candidate.min is not None and o.total >= candidate.min:
                    tier = candidate
                    break
                if candidate.top_share is not None and o.rank <= headcount(
                    len(outcomes), candidate.top_share, "half_up"
                ):
                    tier = candidate
                    break
        placed.append(replace(o, tier=tier.label))
    return placed
