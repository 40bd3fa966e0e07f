"""The one scoring function: a cycle's facts + its pinned scheme → a Decimal breakdown.

Pure: no I/O, no clock. Every figure is a node of a tree whose leaves name the
events behind them (position, recorded time, actor, evidence), so ``explain``
prints the tree, the scores projection stores it, and round finalisation ranks on
it. Rounding happens once, half-up (四舍五入), at the places the scheme declares;
both the unrounded and the rounded figures are kept.

Means (ballots, tasks) divide, so they carry 28 significant digits (Python's
Decimal context) until the one rounding step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from pdca.domain.facts import CycleFacts, Fact, Finding, ItemScore, Provenance
from pdca.rules.schemes import Scheme
from pdca.rules.scoring_rules import HUNDRED, Category, Component, Item, Rules

ZERO = Decimal(0)


@dataclass(frozen=True)
class Node:
    label: str
    value: Decimal | None
    children: tuple[Node, ...] = ()
    note: str = ""
    provenance: Provenance | None = None
    evidence: str = ""
    observed_on: str = ""

    def to_json(self, cycle_id: str = "") -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "value": None if self.value is None else str(self.value),
        }
        if self.note:
            data["note"] = self.note
        if self.provenance is not None:
            data["event_id"] = (
                f"{cycle_id}:{self.provenance.position}"
                if cycle_id
                else str(self.provenance.position)
            )
            data["position"] = self.provenance.position
            data["recorded_at"] = self.provenance.recorded_at.isoformat()
            data["actor"] = self.provenance.actor
        if self.evidence:
            data["evidence"] = self.evidence
        if self.observed_on:
            data["observed_on"] = self.observed_on
        if self.children:
            data["children"] = [c.to_json(cycle_id) for c in self.children]
        return data


@dataclass(frozen=True)
class ComponentScore:
    id: str
    label: str
    weight: Decimal  # effective weight after reweighting, percent
    score: Decimal  # 0..scale
    weighted: Decimal  # unrounded contribution to the total
    status: str = "scored"  # "scored" | "missing" | "not_applicable"


@dataclass(frozen=True)
class Breakdown:
    total: Decimal  # rounded: the published figure
    unrounded: Decimal
    components: tuple[ComponentScore, ...]
    bonus: Decimal
    deduction: Decimal
    vetoes: tuple[tuple[str, str, str], ...]  # (rule id, label, effect description)
    tree: Node
    refused: str = ""  # why this cycle cannot be scored yet (e.g. ballot quorum)

    def component(self, component_id: str) -> ComponentScore | None:
        return next((c for c in self.components if c.id == component_id), None)


@dataclass(frozen=True)
class RoundContext:
    """What one unit's score needs from the others: the best value of ratio-to-best items."""

    best: Mapping[str, Decimal] = field(default_factory=dict)


def round_half_up(value: Decimal, precision: Decimal) -> Decimal:
    return value.quantize(precision, rounding=ROUND_HALF_UP)


def unrounded_text(value: Decimal, precision: Decimal) -> str:
    """An unrounded figure as people read it: exact, at the precision's places or as many
    more as it needs up to four (``96.00``, ``85.25``, ``82.655``); past that rounded there
    and marked (``≈86.666667``), not 28 digits. The exact figure stays in the breakdown."""
    near = round_half_up(value, precision.scaleb(-4))
    exponent = min(near.normalize().as_tuple().exponent, precision.as_tuple().exponent)  # type: ignore[type-var]
    shown = str(near.quantize(Decimal(1).scaleb(exponent)))
    return shown if near == value else f"≈{shown}"


def _leaf(
    label: str,
    value: Decimal | None,
    fact: Fact,
    evidence: str = "",
    observed_on: str = "",
    note: str = "",
) -> Node:
    corrections = "；".join(
        f"{'撤回' if c.kind == 'withdrawn' else '更正为 ' + str(c.value)}（#{c.provenance.position} {c.provenance.actor}：{c.reason}）"
        for c in fact.corrections
    )
    return Node(
        label,
        value,
        note="；".join(x for x in (note, corrections) if x),
        provenance=fact.provenance,
        evidence=evidence,
        observed_on=observed_on,
    )


def _finding_leaf(finding: Finding) -> Node:
    observed = finding.observed_on.isoformat() if finding.observed_on else ""
    return _leaf(
        f"{finding.source}：{finding.evidence}", finding.points, finding, finding.evidence, observed
    )


# ---- item rules ------------------------------------------------------------------------


def item_points(item: Item, value: Decimal, context: RoundContext) -> tuple[Decimal, str]:
    """Points of one catalogue item from its recorded value, and how they were found."""
    if item.rule == "direct":
        return value, "直接计分"
    if item.rule == "per_occurrence":
        short = max(item.required - value, ZERO)
        points = max(item.max - item.per * short, ZERO)
        return points, f"应 {item.required} 次，实 {value} 次，每少一次扣 {item.per}，扣完为止"
    if item.rule == "banded":
        bands = (max(item.threshold - value, ZERO) / item.band).to_integral_value(
            rounding=ROUND_FLOOR
        )
        points = max(item.max - item.per * bands, ZERO)
        return (
            points,
            f"{value}% 比 {item.threshold}% 低 {bands} 档（每档 {item.band}%），每档扣 {item.per}",
        )
    best = context.best.get(item.id, value)
    points = item.max * value / best if best > 0 else ZERO
    return points, f"第1名 {best} 满分，其余按比例：{item.max} × {value} ÷ {best}"


def _category(category: Category, facts: CycleFacts, context: RoundContext) -> Node:
    children = []
    total = ZERO
    for item in category.items:
        score: ItemScore | None = facts.item_score(item.id)
        if score is None:
            children.append(
                Node(f"{item.label}（{item.id}）", ZERO, note=f"未记录；满分 {item.max}")
            )
            continue
        points, how = item_points(item, score.value, context)
        total += points
        children.append(
            Node(
                f"{item.label}（{item.id}）",
                points,
                (_leaf(f"记录值 {score.value}", score.value, score, evidence=score.evidence),),
                note=f"{how}；满分 {item.max}",
            )
        )
    capped = min(total, category.max)
    note = f"合计 {total}，封顶 {category.max}" if capped != total else f"满分 {category.max}"
    return Node(category.label, capped, tuple(children), note=note)


# ---- component sources -------------------------------------------------------------------


class CannotScore(Exception):
    """This cycle's facts do not allow a score yet (quorum, a missing guaranteed group)."""


def _items_component(
    component: Component, rules: Rules, facts: CycleFacts, context: RoundContext
) -> tuple[Decimal, list[Node], bool]:
    nodes = [_category(c, facts, context) for c in rules.categories if c.id in component.categories]
    cap = sum((c.max for c in rules.categories if c.id in component.categories), ZERO)
    recorded = any(
        facts.item_score(i.id) is not None
        for c in rules.categories
        if c.id in component.categories
        for i in c.items
    )
    got = sum((n.value or ZERO for n in nodes), ZERO)
    return (got / cap * rules.scale if cap else ZERO), nodes, recorded


def _ballots_component(rules: Rules, facts: CycleFacts) -> tuple[Decimal, list[Node], bool]:
    ballot = rules.ballot
    assert ballot is not None
    ballots = facts.ballots()
    if len(ballots) < ballot.quorum:
        raise CannotScore(
            f"测评票不足：已收有效票 {len(ballots)} 张，方案要求至少 {ballot.quorum} 张"
        )
    groups = []
    for group in ballot.groups:
        mine = sorted(
            (b for b in ballots if b.group == group.id),
            key=lambda b: (b.total, b.provenance.position),
        )
        if not mine:
            continue
        kept, dropped = mine, []
        if ballot.trim and len(mine) >= 3:
            kept, dropped = mine[1:-1], [mine[0], mine[-1]]
        mean = sum((b.total for b in kept), ZERO) / len(kept)
        leaves = [_leaf(f"测评票 #{b.provenance.position}", b.total, b) for b in kept]
        leaves += [
            _leaf(
                f"测评票 #{b.provenance.position}（去掉）",
                b.total,
                b,
                note="去掉一个最高分和一个最低分",
            )
            for b in dropped
        ]
        groups.append((group, mean, leaves))
    if not groups:
        return ZERO, [], False
    voted = {g.id for g, _, _ in groups}
    if ballot.masses_group and ballot.masses_min_share > 0 and ballot.masses_group not in voted:
        # Renormalising over the groups that voted would give the masses 0%, below the
        # share the scheme guarantees them (群众评价比例不少于15%).
        raise CannotScore(
            f"评议群体 {ballot.masses_group} 没有有效票，方案规定其权重不少于 {ballot.masses_min_share}%"
        )
    weight_total = sum((g.weight for g, _, _ in groups), ZERO)
    nodes, weighted = [], ZERO
    for group, mean, leaves in groups:
        share = group.weight / weight_total
        weighted += mean * share
        note = f"{len([x for x in leaves if '去掉' not in x.label])} 张票的平均分，权重 {group.weight}%"
        if weight_total != HUNDRED:
            note += f"（无票群体不计，按 {weight_total}% 重新归一）"
        nodes.append(Node(group.label, mean, tuple(leaves), note=note))
    return weighted / ballot.max * rules.scale, nodes, True


def _ledger_component(rules: Rules, facts: CycleFacts) -> tuple[Decimal, list[Node], bool]:
    findings = facts.findings()
    nodes, got, cap = [], ZERO, ZERO
    for indicator in rules.ledger_indicators:
        mine = [f for f in findings if f.indicator == indicator.id]
        delta = sum((f.points for f in mine), ZERO)
        carried = facts.open_carried() if indicator.per_open_carried else []
        delta += indicator.per_open_carried * len(carried)
        value = min(max(indicator.max + delta, ZERO), indicator.max)
        got += value
        cap += indicator.max
        leaves = tuple(_finding_leaf(f) for f in mine) + tuple(
            Node(
                f"上期整改未销号：{c.problem}（{c.from_cycle}，期限 {c.due}）",
                indicator.per_open_carried,
                provenance=c.provenance,
            )
            for c in carried
        )
        nodes.append(Node(indicator.label, value, leaves, note=f"满分 {indicator.max}，扣完为止"))
    return (got / cap * rules.scale if cap else ZERO), nodes, True


def _tasks_component(rules: Rules, facts: CycleFacts) -> tuple[Decimal, list[Node], bool]:
    tasks = sorted(facts.tasks.values(), key=lambda t: t.no)
    if not tasks:
        return ZERO, [], False
    nodes, total = [], ZERO
    for task in tasks:
        done = Decimal(1) if task.completed else Decimal(task.progress) / HUNDRED
        factor = rules.quality_factor(task.quality)
        value = done * factor
        total += value
        prov = task.completion or (task.reports[-1][2] if task.reports else task.provenance)
        note = f"{'已完成' if task.completed else f'进度 {task.progress}%'}，质量系数 {factor}" + (
            f"（{task.quality}）" if task.quality else ""
        )
        nodes.append(Node(f"任务 #{task.no}「{task.title}」", value, note=note, provenance=prov))
    return total / len(tasks) * rules.scale, nodes, True


# ---- the one function ----------------------------------------------------------------------


def score(facts: CycleFacts, scheme: Scheme, context: RoundContext | None = None) -> Breakdown:
    """Score one cycle by its pinned scheme. Never raises for missing facts: a cycle
    that cannot be scored yet says why in ``refused``."""
    rules = scheme.rules
    context = context or RoundContext()
    computed: list[tuple[Component, Decimal, list[Node], str]] = []
    refused = ""
    for component in rules.components:
        na = facts.not_applicable(component.id)
        if na is not None:
            computed.append(
                (component, ZERO, [_leaf(f"不适用：{na.reason}", None, na)], "not_applicable")
            )
            continue
        try:
            if component.source == "items":
                value, nodes, present = _items_component(component, rules, facts, context)
            elif component.source == "ballots":
                value, nodes, present = _ballots_component(rules, facts)
            elif component.source == "ledger":
                value, nodes, present = _ledger_component(rules, facts)
            else:
                value, nodes, present = _tasks_component(rules, facts)
        except CannotScore as exc:
            refused = refused or f"{component.label}：{exc}"
            computed.append((component, ZERO, [Node(str(exc), None)], "missing"))
            continue
        status = "scored"
        if not present:
            if component.missing == "refuse":
                refused = refused or f"{component.label}：没有任何记录，方案规定缺项不能计分"
            status = "missing" if component.missing != "zero" else "scored"
            if component.missing == "zero":
                nodes = [*nodes, Node("没有任何记录，按方案计 0 分", ZERO)]
        computed.append((component, value, nodes, status))

    # Missing components under "reweight", and components not applicable, drop out and
    # the remaining weights are scaled back up to 100%.
    dropped = [
        c
        for c, _, _, status in computed
        if status == "not_applicable" or (status == "missing" and c.missing == "reweight")
    ]
    kept_weight = sum((c.weight for c, _, _, _ in computed if c not in dropped), ZERO)
    component_scores, component_nodes = [], []
    for component, value, nodes, status in computed:
        if component in dropped or kept_weight == 0:
            weight, weighted = ZERO, ZERO
        else:
            weight = component.weight * HUNDRED / kept_weight
            weighted = value * weight / HUNDRED
        if rules.round_at == "component":
            shown = round_half_up(weighted, rules.precision)
        else:
            shown = weighted
        component_scores.append(
            ComponentScore(component.id, component.label, weight, value, shown, status)
        )
        note = f"得分 {round_half_up(value, rules.precision)}（0–{rules.scale}），权重 {component.weight}%"
        if weight != component.weight:
            note += f"，重新归一后 {weight:.4f}%"
        component_nodes.append(
            Node(component.label, shown, (Node("得分", value, tuple(nodes)),), note=note)
        )

    base = sum((c.weighted for c in component_scores), ZERO)
    bonus, deduction, adjust_nodes = _adjustments(rules, facts, context)
    unrounded = max(base + bonus - deduction, ZERO)
    total = round_half_up(unrounded, rules.precision)
    vetoes = _vetoes(rules, facts)
    children = list(component_nodes)
    children += adjust_nodes
    children += [Node(f"一票否决：{label}", None, note=effect) for _, label, effect in vetoes]
    note = f"未舍入 {unrounded_text(unrounded, rules.precision)}；四舍五入到 {rules.precision}"
    tree = Node(
        f"{facts.unit}/{facts.period} 总分（方案 {scheme.ref}）", total, tuple(children), note=note
    )
    return Breakdown(
        total, unrounded, tuple(component_scores), bonus, deduction, tuple(vetoes), tree, refused
    )


def _adjustments(
    rules: Rules, facts: CycleFacts, context: RoundContext
) -> tuple[Decimal, Decimal, list[Node]]:
    nodes = []
    bonus_raw = ZERO
    bonus_nodes = [_category(c, facts, context) for c in rules.categories if c.bonus]
    bonus_raw += sum((n.value or ZERO for n in bonus_nodes), ZERO)
    ledger_is_component = any(c.source == "ledger" for c in rules.components)
    findings: list[Finding] = [] if ledger_is_component else facts.findings()
    positive = [f for f in findings if f.points > 0]
    negative = [f for f in findings if f.points < 0]
    bonus_raw += sum((f.points for f in positive), ZERO)
    leaves = [_finding_leaf(f) for f in positive]
    bonus = min(bonus_raw, rules.bonus_cap)
    if bonus_raw:
        nodes.append(
            Node(
                "加分",
                bonus,
                tuple(bonus_nodes) + tuple(leaves),
                note=f"合计 {bonus_raw}，上限 {rules.bonus_cap}",
            )
        )
    deduction_raw = -sum((f.points for f in negative), ZERO)
    deduction = (
        deduction_raw if rules.deduction_cap is None else min(deduction_raw, rules.deduction_cap)
    )
    if deduction_raw:
        leaves = [_finding_leaf(f) for f in negative]
        cap = "不封顶" if rules.deduction_cap is None else f"上限 {rules.deduction_cap}"
        nodes.append(Node("扣分", -deduction, tuple(leaves), note=f"合计 {deduction_raw}，{cap}"))
    return bonus, deduction, nodes


def _vetoes(rules: Rules, facts: CycleFacts) -> list[tuple[str, str, str]]:
    found = []
    for record in facts.vetoes():
        veto = rules.veto(record.rule)
        if veto is not None:
            found.append(
                (
                    veto.id,
                    veto.label,
                    _effect(veto.effect, veto.grade)
                    + f"（#{record.provenance.position} {record.provenance.actor} 决定：{record.reason}）",
                )
            )
    for veto in rules.vetoes:
        if (
            veto.auto_indicator
            and any(f.indicator == veto.auto_indicator for f in facts.findings())
            and veto.id not in {v[0] for v in found}
        ):
            found.append(
                (
                    veto.id,
                    veto.label,
                    _effect(veto.effect, veto.grade) + f"（台账指标 {veto.auto_indicator} 有记录）",
                )
            )
    return found


def _effect(effect: str, grade: str) -> str:
    return f"等次定为 {grade}" if effect == "force_grade" else f"等次最高为 {grade}"


def needs_round_context(scheme: Scheme) -> bool:
    """Whether one unit's score depends on the others' (ratio-to-best items)."""
    return any(i.rule == "ratio_to_best" for c in scheme.rules.categories for i in c.items)


def round_context(all_facts: list[CycleFacts], scheme: Scheme) -> RoundContext:
    """Best recorded value of each ratio-to-best item among the cycles of a round."""
    best: dict[str, Decimal] = {}
    for category in scheme.rules.categories:
        for item in category.items:
            if item.rule != "ratio_to_best":
                continue
            values = [s.value for f in all_facts if (s := f.item_score(item.id)) is not None]
            if values:
                best[item.id] = max(values)
    return RoundContext(best)
