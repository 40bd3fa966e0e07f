"""Everything a scheme says, as plain data for a front end to show (``pdca scheme show``):
its stages and triggers, and its scoring content — components and weights, the
catalogue and its items, ballot groups and items, ledger indicators, grades, quotas,
tiers, vetoes, adjustments, the rectification escalation; in format 3 also how the
results are used: roll-ups of quarters or half-years, conversions and consequences.

Decimals are strings, as in every JSON pdca writes, so nothing is lost; each thing keeps
its id (what commands store) beside its label (what people read and may type instead,
``pdca.rules.naming``). An item's rule is also said in words (``rule_text``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdca.rules.schemes import Scheme
    from pdca.rules.scoring_rules import Item

RULE_LABELS = {
    "direct": "直接计分",
    "per_occurrence": "按次扣分",
    "banded": "按档扣分",
    "ratio_to_best": "与第一名之比",
    "opinion": "按意见计分",
    "carried": "老毛病",
}
SOURCE_LABELS = {"items": "指标体系", "ballots": "测评票", "ledger": "台账", "tasks": "任务清单"}
MISSING_LABELS = {"zero": "计 0 分", "reweight": "不计入，权重归一", "refuse": "不能计分"}
EFFECT_LABELS = {"force_grade": "等次定为", "cap_grade": "等次最高为"}


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def rule_text(item: Item) -> str:
    """How a recorded value becomes the item's points, in words."""
    if item.rule == "per_occurrence":
        return f"应 {item.required} 次，每少一次扣 {item.per}，扣完为止"
    if item.rule == "banded":
        return f"比率低于 {item.threshold}% 时每低 {item.band}% 扣 {item.per}，扣完为止"
    if item.rule == "ratio_to_best":
        return "第一名满分，其余按与第一名之比"
    if item.rule == "opinion":
        return "记录意见，按表折分：" + "、".join(f"{w} {p}" for w, p in item.opinions)
    if item.rule == "carried":
        return f"不记录：上期结转未销号的整改项每项扣 {item.per}，扣完为止"
    if item.scored_points:
        return f"{len(item.points)} 个采分点得分之和"
    return "记录值即得分"


_RECORD_WORDS = {
    "scores": "指标得分",
    "ballots": "测评票",
    "findings": "督查发现",
    "vetoes": "一票否决",
    "not_applicable": "不适用认定",
    "steps": "单位步骤",
}


def record_label(scheme: Scheme, record: str) -> str:
    """``ballots:leaders`` → 领导评鉴组的测评票, as a sub-stage's refusal names it."""
    kind, _, detail = record.partition(":")
    word = _RECORD_WORDS.get(kind, kind)
    if not detail:
        return word
    rules = scheme.rules
    if kind == "ballots" and rules.ballot is not None:
        group = next((g for g in rules.ballot.groups if g.id == detail), None)
        return f"{group.label if group else detail}（{detail}）的{word}"
    if kind == "steps":
        step = rules.unit_step(detail)
        return f"{word} {step.label if step else detail}（{detail}）"
    component = next((c for c in rules.components if c.id == detail), None)
    return f"{component.label if component else detail}（{detail}）的{word}"


def _stage(stage: Any, scheme: Scheme) -> dict[str, Any]:
    """A stage as data; what a binding sub-stage records (format 3) only where it binds."""
    data: dict[str, Any] = {"id": stage.id, "label": stage.full_label, "phase": stage.phase}
    if stage.records is not None:
        data["records"] = list(stage.records)
        data["records_label"] = "、".join(record_label(scheme, r) for r in stage.records)
    if stage.approver_outside_team:
        data["approver_outside_team"] = True
    return data


def contents(scheme: Scheme) -> dict[str, Any]:
    """The whole scheme as plain data (dicts, lists, strings, numbers, booleans)."""
    data: dict[str, Any] = {
        "id": scheme.id,
        "version": scheme.version,
        "name": scheme.name,
        "source": scheme.source,
        "digest": scheme.digest,
        "initial": scheme.initial,
        "stages": [_stage(s, scheme) for s in scheme.stages],
        "triggers": [
            {
                "name": t.name,
                "label": t.label,
                "source": list(t.sources),
                "dest": t.dest,
                "guards": list(t.guards),
            }
            for t in scheme.triggers
        ],
    }
    rules = scheme.rules
    data["scoring"] = {
        "scale": str(rules.scale),
        "precision": str(rules.precision),
        "round_at": rules.round_at,
        "rank_by": rules.rank_by,
        "tie_break": list(rules.tie_break),
        "missing": rules.missing,
    }
    data["components"] = [
        {
            "id": c.id,
            "label": c.label,
            "weight": str(c.weight),
            "source": c.source,
            "source_label": SOURCE_LABELS.get(c.source, c.source),
            "missing": c.missing,
            "missing_label": MISSING_LABELS.get(c.missing, c.missing),
            "categories": list(c.categories),
        }
        for c in rules.components
    ]
    data["catalog"] = [
        {
            "id": c.id,
            "label": c.label,
            "max": str(c.max),
            "bonus": c.bonus,
            "items": [
                {
                    "id": i.id,
                    "label": i.label,
                    "max": str(i.max),
                    "kind": i.kind,
                    "rule": i.rule,
                    "rule_label": RULE_LABELS.get(i.rule, i.rule),
                    "rule_text": rule_text(i),
                    "required": str(i.required),
                    "per": str(i.per),
                    "threshold": str(i.threshold),
                    "band": str(i.band),
                    "points": [{"id": p.id, "label": p.label, "max": str(p.max)} for p in i.points],
                }
                for i in c.items
            ],
        }
        for c in rules.categories
    ]
    ballot = rules.ballot
    data["ballot"] = (
        None
        if ballot is None
        else {
            "max": str(ballot.max),
            "trim": ballot.trim,
            "quorum": ballot.quorum,
            "masses_group": ballot.masses_group or None,
            "masses_min_share": str(ballot.masses_min_share),
            "groups": [
                {"id": g.id, "label": g.label, "weight": str(g.weight)} for g in ballot.groups
            ],
            "items": [{"id": i.id, "label": i.label, "max": str(i.max)} for i in ballot.items],
        }
    )
    data["ledger"] = {
        "sources": list(rules.ledger_sources),
        "indicators": [
            {
                "id": i.id,
                "label": i.label,
                "max": str(i.max),
                "min_points": str(i.min_points),
                "max_points": str(i.max_points),
                "per_open_carried": str(i.per_open_carried),
            }
            for i in rules.ledger_indicators
        ],
    }
    data["tasks"] = {
        "quality": [{"label": label, "factor": str(factor)} for label, factor in rules.quality]
    }
    data["adjustments"] = {
        "bonus_cap": str(rules.bonus_cap),
        "deduction_cap": _s(rules.deduction_cap),
    }
    data["vetoes"] = [
        {
            "id": v.id,
            "label": v.label,
            "effect": v.effect,
            "effect_label": EFFECT_LABELS.get(v.effect, v.effect),
            "grade": v.grade,
            "auto_indicator": v.auto_indicator or None,
        }
        for v in rules.vetoes
    ]
    data["grades"] = [{"id": g.id, "label": g.label, "min": str(g.min)} for g in rules.grades]
    data["distribution"] = {
        "scope": rules.distribution_scope,
        "quotas": [
            {"grades": list(q.grades), "max_share": str(q.max_share), "rounding": q.rounding}
            for q in rules.quotas
        ],
    }
    data["tiers"] = [
        {"id": t.id, "label": t.label, "top_share": _s(t.top_share), "min": _s(t.min)}
        for t in rules.tiers
    ]
    data["rectification"] = {
        "near_days": rules.near_days,
        "escalation": [
            {"after_days": e.after_days, "measure": e.measure} for e in rules.escalations
        ],
    }
    if scheme.format >= 3:
        _format_3(data, scheme)
    data["warnings"] = list(scheme.warnings)
    return data


def _format_3(data: dict[str, Any], scheme: Scheme) -> None:
    """What only a format-3 scheme can say (older schemes' answers keep their shape):
    catalogue areas, each category's area, opinion tables, a ballot item's points."""
    rules = scheme.rules
    data["format"] = scheme.format
    data["areas"] = [
        {
            "id": a.id,
            "label": a.label,
            "categories": [c.id for c in rules.categories if c.area == a.id],
            "items": sum(len(c.items) for c in rules.categories if c.area == a.id),
            "declared_categories": a.declared_categories,
            "declared_items": a.declared_items,
            "points": sum(
                len(i.points) for c in rules.categories if c.area == a.id for i in c.items
            ),
            "declared_points": a.declared_points,
        }
        for a in rules.areas
    ]
    for category, shown in zip(rules.categories, data["catalog"], strict=True):
        shown["area"] = category.area or None
        shown["declared_items"] = category.declared_items
        for item, entry in zip(category.items, shown["items"], strict=True):
            entry["scored_points"] = item.scored_points
            entry["opinions"] = [{"opinion": w, "points": str(p)} for w, p in item.opinions]
            if item.requires_step is not None:
                entry["requires_step"] = item.requires_step
    if rules.unit_steps:
        data["unit_steps"] = [
            {
                "id": u.id,
                "label": u.label,
                "kind": u.kind,
                "stage": u.stage,
                "stage_label": scheme.stage_label(u.stage),
                "required": u.required,
                "approval": u.approval,
            }
            for u in rules.unit_steps
        ]
    if scheme.teams:  # only where declared: other schemes' answers keep their shape
        data["teams"] = [dict(t) for t in scheme.teams]
    _results_used(data, scheme)
    if rules.ballot is not None:
        for item, entry in zip(rules.ballot.items, data["ballot"]["items"], strict=True):
            entry["points"] = [
                {"id": p.id, "label": p.label, "max": str(p.max)} for p in item.points
            ]


def _results_used(data: dict[str, Any], scheme: Scheme) -> None:
    """Roll-ups, conversions and consequences (考用结合), each only where the scheme
    declares one, so the answers of schemes without them keep their shape."""
    from pdca.rules.consequences import conditions

    rules = scheme.rules
    roll_ups = [c for c in rules.components if c.source == "periods"]
    if roll_ups:
        data["roll_ups"] = [
            {
                "component": c.id,
                "label": c.label,
                "weight": str(c.weight),
                "periods": list(c.periods),
                "rule_text": ROLL_UP_TEXT,
            }
            for c in roll_ups
        ]
    if rules.conversions:
        data["conversions"] = [
            {
                "id": c.id,
                "label": c.label,
                "by_category": {category: str(points) for category, points in c.by_category},
                "precision": str(c.precision),
                "rule_text": f"由未取整的总分按满分 {rules.scale} 折算，只在 {c.precision} 四舍五入一次",
            }
            for c in rules.conversions
        ]
    if rules.consequences:
        data["consequences"] = [
            {
                "id": c.id,
                "label": c.label,
                "grades": list(c.grades),
                "tiers": list(c.tiers),
                "top": c.top,
                "bottom": c.bottom,
                "conversion": c.conversion or None,
                "min": _s(c.min),
                "below": _s(c.below),
                "years": c.years,
                "amount": _s(c.amount),
                "conditions": conditions(c, {t.id: t.label for t in rules.tiers}),
            }
            for c in rules.consequences
        ]


#: How a roll-up reads its periods (``pdca.rules.scoring._periods_component``).
ROLL_UP_TEXT = "各期考核轮次定稿发布的总分取平均；任一期未开启或未定稿，年度不能汇总"
