"""The one scoring function: a cycle's facts + its pinned scheme → a Decimal breakdown.

Pure: no I/O, no clock. Every figure is a node of a tree whose leaves name the
events behind them (position, recorded time, actor, evidence), so ``explain``
prints the tree, the scores projection stores it, and round finalisation ranks on
it. Rounding happens once, half-up (四舍五入), at the places the scheme declares;
both the unrounded and the rounded figures are kept.

Means (ballots, tasks) divide, so they carry 28 significant digits (Python's
Decimal context) until the one rounding step.

Complete before final: every catalogue item of a scored component needs an active
score or an item-level 不适用; a ballot component its quorum. What is missing is named
on the breakdown (``missing``) and on each leaf (``status = "missing"``), and a cycle
with anything missing has no total at all (``None``), never a number that is not a
score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from pdca.domain.facts import (
    CycleFacts,
    Fact,
    Finding,
    ItemNotApplicable,
    ItemScore,
    Opinion,
    PointScore,
    Provenance,
)
from pdca.rules.schemes import Scheme
from pdca.rules.scoring_rules import HUNDRED, Category, Component, Item, Rules, ScoringPoint

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
    #: "" for an ordinary figure; "missing" where a fact the scheme requires is not
    #: recorded (and every figure above it cannot be scored); "not_applicable".
    status: str = ""

    def to_json(
        self, cycle_id: str = "", moment: Callable[[datetime], str] = datetime.isoformat
    ) -> dict[str, Any]:
        """The node for programs; ``moment`` spells an instant (the application passes
        its clock's, which writes it in the database's zone)."""
        return _node_json(self, f"{cycle_id}:" if cycle_id else "", moment)


def _node_json(node: Node, prefix: str, moment: Callable[[datetime], str]) -> dict[str, Any]:
    """``Node.to_json`` with the event id's prefix made once for the whole tree (a long
    cycle's has a node per fact: thousands)."""
    value = node.value
    data: dict[str, Any] = {"label": node.label, "value": None if value is None else str(value)}
    if node.status:
        data["status"] = node.status
    if node.note:
        data["note"] = node.note
    p = node.provenance
    if p is not None:
        data["event_id"] = f"{prefix}{p.position}"
        data["position"] = p.position
        data["recorded_at"] = moment(p.recorded_at)
        data["actor"] = p.actor
    if node.evidence:
        data["evidence"] = node.evidence
    if node.observed_on:
        data["observed_on"] = node.observed_on
    if node.children:
        data["children"] = [_node_json(c, prefix, moment) for c in node.children]
    return data


@dataclass(frozen=True)
class ComponentScore:
    id: str
    label: str
    weight: Decimal  # effective weight after reweighting, percent
    score: Decimal | None  # 0..scale; None: it cannot be scored (something is missing)
    weighted: Decimal | None  # unrounded contribution to the total
    status: str = "scored"  # "scored" | "missing" | "not_applicable"


@dataclass(frozen=True)
class Missing:
    """One thing a cycle lacks before it can be scored: a catalogue item nobody
    recorded (``item``), or a whole component (``item`` empty: ballots short of the
    quorum, nothing recorded where the scheme refuses a missing component)."""

    component: str
    component_label: str
    item: str = ""
    item_label: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "component_label": self.component_label,
            "item": self.item or None,
            "item_label": self.item_label or None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AppliedVeto:
    """A veto in force, with the fact behind it: the ``VetoApplied`` event of a
    decision, or — for an automatic veto — the ledger finding that triggered it."""

    id: str
    label: str
    effect: str  # 等次定为 D / 等次最高为 C
    automatic: bool
    provenance: Provenance  # the decision's event, or the triggering finding's
    reason: str
    evidence: str
    observed_on: date | None
    finding: Finding | None = None

    def to_json(
        self, cycle_id: str = "", moment: Callable[[datetime], str] = datetime.isoformat
    ) -> dict[str, Any]:
        """The veto for programs; ``moment`` spells an instant (as ``Node.to_json``)."""
        p = self.provenance
        data: dict[str, Any] = {
            "rule": self.id,
            "label": self.label,
            "effect": self.effect,
            "trigger": "automatic" if self.automatic else "decision",
            "event_id": f"{cycle_id}:{p.position}" if cycle_id else str(p.position),
            "position": p.position,
            "recorded_at": moment(p.recorded_at),
            "actor": p.actor,
            "observed_on": self.observed_on.isoformat() if self.observed_on else None,
            "reason": self.reason,
            "evidence": self.evidence,
            "finding": None,
        }
        if self.finding is not None:
            f = self.finding
            data["finding"] = {
                "event_id": data["event_id"],
                "position": p.position,
                "source": f.source,
                "indicator": f.indicator,
                "points": str(f.points),
                "observed_on": data["observed_on"],
                "evidence": f.evidence,
            }
        return data


@dataclass(frozen=True)
class Breakdown:
    total: Decimal | None  # rounded: the published figure; None while anything is missing
    unrounded: Decimal | None
    components: tuple[ComponentScore, ...]
    bonus: Decimal
    deduction: Decimal
    vetoes: tuple[AppliedVeto, ...]
    tree: Node
    refused: str = ""  # why this cycle cannot be scored yet, one line
    missing: tuple[Missing, ...] = ()
    #: Format 3: the unit's required steps not taken (or not approved). They score
    #: nothing, so the total stands; they hold back ``round finalize`` (complete
    #: before final).
    steps_missing: tuple[Missing, ...] = ()

    def component(self, component_id: str) -> ComponentScore | None:
        return next((c for c in self.components if c.id == component_id), None)


@dataclass(frozen=True)
class RoundContext:
    """What one unit's score needs from the others: the best value of ratio-to-best items."""

    best: Mapping[str, Decimal] = field(default_factory=dict)
    #: Roll-ups (``source = "periods"``): (unit, period) → the total its round published,
    #: or None for a cycle of that period not (yet) published.
    published: Mapping[tuple[str, str], Decimal | None] = field(default_factory=dict)
    #: Where each published total came from (the round's Finalized event), in words.
    published_from: Mapping[tuple[str, str], str] = field(default_factory=dict)


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
    if fact.corrections:  # most facts have none: a long cycle makes thousands of leaves
        corrections = "；".join(
            f"{'撤回' if c.kind == 'withdrawn' else '更正为 ' + str(c.value)}（#{c.provenance.position} {c.provenance.actor}：{c.reason}）"
            for c in fact.corrections
        )
        note = "；".join(x for x in (note, corrections) if x)
    return _made_node(
        label=label,
        value=value,
        note=note,
        provenance=fact.provenance,
        evidence=evidence,
        observed_on=observed_on,
    )


#: Every field of a ``Node`` with its declared default (label and value have none, and
#: ``_made_node`` is always given them). A default made by a factory would be shared by
#: every node made here: refused when the module loads, not found in a tree later.
_NODE_DEFAULTS = {f.name: f.default for f in fields(Node) if f.default is not MISSING}
if any(f.default_factory is not MISSING for f in fields(Node)):
    raise TypeError("Node's fields take plain defaults: _made_node copies them")


def _made_node(**values: Any) -> Node:
    """A ``Node`` made without its frozen ``__init__``, which sets each field through
    ``object.__setattr__``: a long cycle makes a leaf per fact (thousands), and this
    halves their cost. A field not given takes its declared default."""
    node = object.__new__(Node)
    node.__dict__.update(_NODE_DEFAULTS, **values)
    return node


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


@dataclass(frozen=True)
class _Recorded:
    """Each item's active score and 不适用, looked up once per scoring (not per item)."""

    scores: dict[str, ItemScore]
    excluded: dict[str, ItemNotApplicable]
    points: dict[tuple[str, str], PointScore] = field(default_factory=dict)
    opinions: dict[str, Opinion] = field(default_factory=dict)
    #: Last period's rectification items carried in and still open (老毛病).
    carried: tuple[Any, ...] = ()
    #: Format 3: the unit's steps taken (and approved where the scheme says so).
    steps: frozenset[str] = frozenset()


def _recorded(facts: CycleFacts, rules: Rules | None = None) -> _Recorded:
    scores: dict[str, ItemScore] = {}
    excluded: dict[str, ItemNotApplicable] = {}
    points: dict[tuple[str, str], PointScore] = {}
    opinions: dict[str, Opinion] = {}
    for score in facts.active(ItemScore):
        scores.setdefault(score.item, score)  # the first, as CycleFacts.item_score
    for na in facts.active(ItemNotApplicable):
        excluded.setdefault(na.item, na)
    for point in facts.active(PointScore):
        points.setdefault((point.item, point.point), point)
    for opinion in facts.active(Opinion):
        opinions.setdefault(opinion.item, opinion)
    steps: frozenset[str] = frozenset()
    if rules is not None and rules.unit_steps:
        from pdca.rules.unit_steps import taken

        steps = frozenset(s.id for s in rules.unit_steps if taken(s, facts))
    return _Recorded(scores, excluded, points, opinions, tuple(facts.open_carried()), steps)


def _by_points(item: Item, recorded: _Recorded) -> tuple[Node, list[ScoringPoint]]:
    """An item scored by its 采分点 (format 3): the sum of its recorded points, capped at
    the item's maximum; no value while any point is unrecorded (those are returned)."""
    children, missing, total = [], [], ZERO
    for point in item.points:
        score = recorded.points.get((item.id, point.id))
        name = f"{point.label}（{item.id}.{point.id}）"
        if score is None:
            missing.append(point)
            children.append(
                Node(name, None, note=f"未记录；采分点满分 {point.max}", status="missing")
            )
            continue
        total += score.value
        leaf = _leaf(
            f"记录值 {score.value}",
            score.value,
            score,
            evidence=score.evidence,
            note="处理阶段补记" if score.late else "",
        )
        children.append(Node(name, score.value, (leaf,), note=f"采分点满分 {point.max}"))
    capped = min(total, item.max)
    note = f"{len(item.points)} 个采分点合计 {total}" + (
        f"，封顶 {item.max}" if capped != total else f"；满分 {item.max}"
    )
    return Node(
        f"{item.label}（{item.id}）",
        None if missing else capped,
        tuple(children),
        note=note,
        status="missing" if missing else "",
    ), missing


def _by_opinion(item: Item, opinion: Opinion) -> Node:
    table = dict(item.opinions)
    points = table.get(opinion.opinion, ZERO)
    listed = "、".join(f"{w} {p}" for w, p in item.opinions)
    leaf = _leaf(
        f"记录意见「{opinion.opinion}」",
        None,
        opinion,
        evidence=opinion.evidence,
        note="处理阶段补记" if opinion.late else "",
    )
    return Node(
        f"{item.label}（{item.id}）",
        points,
        (leaf,),
        note=f"意见「{opinion.opinion}」按方案折 {points} 分（{listed}）；满分 {item.max}",
    )


def _by_carried(item: Item, carried: tuple[Any, ...]) -> Node:
    """老毛病 (format 3): the item loses ``per`` for each rectification item carried in
    from last period and still not closed out (销号), stopping at zero; nothing is
    recorded for it, the carried items are its facts."""
    points = max(item.max - item.per * len(carried), ZERO)
    leaves = tuple(
        Node(
            f"上期整改未销号：{c.problem}（{c.from_cycle}，期限 {c.due}）",
            -item.per,
            provenance=c.provenance,
        )
        for c in carried
    )
    return Node(
        f"{item.label}（{item.id}）",
        points,
        leaves,
        note=f"上期整改未销号 {len(carried)} 项，每项扣 {item.per}，扣完为止；满分 {item.max}",
    )


@dataclass
class _Category:
    node: Node
    cap: Decimal  # the category's maximum once items not applicable are left out
    missing: list[Lack]


def _category(
    category: Category, recorded: _Recorded, context: RoundContext, required: bool = False
) -> _Category:
    """A category's capped points. ``required``: an item with neither a score nor a
    不适用 is missing (the cycle cannot be scored); otherwise it counts 0, as a bonus
    item nobody earned does."""
    children = []
    total = ZERO
    possible = sum((i.max for i in category.items), ZERO)
    excluded = ZERO
    missing: list[Lack] = []
    for item in category.items:
        label = f"{item.label}（{item.id}）"
        score = recorded.scores.get(item.id)
        if item.requires_step is not None and item.requires_step not in recorded.steps:
            # 南通: an innovation target counts only if the unit declared it and the
            # 工委 approved it; whatever was scored for it stays recorded, uncounted.
            children.append(_step_not_taken(item, label, score))
            continue
        if item.scored_points and item.id not in recorded.excluded:
            node, unrecorded = _by_points(item, recorded)
            if unrecorded and required:
                # Complete before final counts every 采分点 of the item.
                missing += [
                    Lack(f"{item.id}.{p.id}", f"{item.label}／{p.label}") for p in unrecorded
                ]
            elif unrecorded:
                node = _partial(node)
            total += node.value or ZERO
            children.append(node)
            continue
        if item.rule == "carried" and item.id not in recorded.excluded:
            node = _by_carried(item, recorded.carried)
            total += node.value or ZERO
            children.append(node)
            continue
        opinion = recorded.opinions.get(item.id)
        if item.rule == "opinion" and opinion is not None:
            node = _by_opinion(item, opinion)
            total += node.value or ZERO
            children.append(node)
            continue
        if score is not None:
            points, how = item_points(item, score.value, context)
            total += points
            late = "处理阶段补记" if score.late else ""
            children.append(
                Node(
                    label,
                    points,
                    (
                        _leaf(
                            f"记录值 {score.value}",
                            score.value,
                            score,
                            evidence=score.evidence,
                            note=late,
                        ),
                    ),
                    note=f"{how}；满分 {item.max}",
                )
            )
            continue
        na = recorded.excluded.get(item.id)
        if na is not None:
            excluded += item.max
            children.append(
                Node(
                    label,
                    None,
                    (_leaf(f"不适用：{na.reason}", None, na),),
                    note=f"不适用，满分 {item.max} 不计入类别满分",
                    status="not_applicable",
                )
            )
        elif required:
            missing.append(Lack(item.id, item.label))
            children.append(
                Node(
                    label,
                    None,
                    note=f"未记录；满分 {item.max}；须记录得分或认定不适用",
                    status="missing",
                )
            )
        else:
            children.append(Node(label, ZERO, note=f"未记录；满分 {item.max}"))
    # An item not applicable leaves the category's maximum in proportion to its own
    # (with the default maximum, the sum of the applicable items' maxima): the items
    # that apply are scored against what they could earn, as components are reweighted.
    cap = category.max * (possible - excluded) / possible if excluded else category.max
    capped = min(total, cap)
    if excluded:
        note = f"合计 {total}；不适用项满分 {excluded} 不计入，类别满分 {category.max} 按比例折为 {cap}"
    elif capped != total:
        note = f"合计 {total}，封顶 {category.max}"
    else:
        note = f"满分 {category.max}"
    status = "missing" if missing else ""
    return _Category(
        Node(
            category.label, None if missing else capped, tuple(children), note=note, status=status
        ),
        cap,
        missing,
    )


def _step_not_taken(item: Item, label: str, score: ItemScore | None) -> Node:
    shown = (
        (_leaf(f"记录值 {score.value}（不计）", score.value, score, evidence=score.evidence),)
        if score is not None
        else ()
    )
    return Node(
        label,
        ZERO,
        shown,
        note=f"单位步骤 {item.requires_step} 未完成或未获批准，本项不计分；满分 {item.max}",
    )


@dataclass(frozen=True)
class Lack:
    """One thing a required item lacks: the item, or one of its 采分点 (``item.point``)."""

    id: str
    label: str


def _partial(node: Node) -> Node:
    """Points of an item recorded in part where nothing is required (a bonus category):
    the recorded ones count, the others 0."""
    got = sum((c.value or ZERO for c in node.children), ZERO)
    return Node(node.label, got, node.children, note=node.note + "；未记录的采分点计 0")


# ---- component sources -------------------------------------------------------------------


class CannotScore(Exception):
    """This cycle's facts do not allow a score yet (quorum, a missing guaranteed group)."""


@dataclass
class _Items:
    value: Decimal | None  # None: an item is missing
    nodes: list[Node]
    present: bool  # any item scored or declared not applicable
    missing: list[Lack]
    all_excluded: bool  # every item declared not applicable: the component drops out


def _items_component(
    component: Component, rules: Rules, recorded: _Recorded, context: RoundContext
) -> _Items:
    categories = [c for c in rules.categories if c.id in component.categories]
    pointed = {item for item, _ in recorded.points}
    present = any(
        i.id in recorded.scores
        or i.id in recorded.excluded
        or i.id in pointed
        or i.id in recorded.opinions
        for c in categories
        for i in c.items
    )
    # Nothing recorded at all: the scheme's ``missing`` says what the component is
    # (refuse, zero, reweight). Anything recorded: every item is then required.
    required = present or component.missing == "refuse"
    parts = [_category(c, recorded, context, required) for c in categories]
    missing = [i for p in parts for i in p.missing]
    cap = sum((p.cap for p in parts), ZERO)
    nodes = [p.node for p in parts]
    if missing:
        return _Items(None, nodes, present, missing, False)
    got = sum((n.value or ZERO for n in nodes), ZERO)
    all_excluded = present and cap == 0
    return _Items((got / cap * rules.scale if cap else ZERO), nodes, present, [], all_excluded)


def _ballots_component(rules: Rules, facts: CycleFacts) -> tuple[Decimal, list[Node], bool]:
    ballot = rules.ballot
    assert ballot is not None
    ballots = facts.ballots()
    waiting = {g: n for g, n in facts.boxed.items() if n}
    if waiting:
        # Ballots cast but still in the box count only once it is closed (shuffled).
        told = "、".join(f"{g} {n} 张" for g, n in sorted(waiting.items()))
        raise CannotScore(f"票箱未关闭：{told}待计入；先执行 pdca ballot close")
    if len(ballots) < ballot.quorum:
        raise CannotScore(
            f"测评票不足：已收有效票 {len(ballots)} 张，方案要求至少 {ballot.quorum} 张"
        )
    groups = []
    totals = {id(b): b.total for b in ballots}  # each ballot summed once, not per use
    for group in ballot.groups:
        mine = sorted(
            (b for b in ballots if b.group == group.id),
            key=lambda b: (totals[id(b)], b.provenance.position),
        )
        if not mine:
            continue
        kept, dropped = mine, []
        if ballot.trim and len(mine) >= 3:
            kept, dropped = mine[1:-1], [mine[0], mine[-1]]
        mean = sum((totals[id(b)] for b in kept), ZERO) / len(kept)
        leaves = [_leaf(f"测评票 #{b.provenance.position}", totals[id(b)], b) for b in kept]
        leaves += [
            _leaf(
                f"测评票 #{b.provenance.position}（去掉）",
                totals[id(b)],
                b,
                note="去掉一个最高分和一个最低分",
            )
            for b in dropped
        ]
        if any(i.points for i in ballot.items):
            leaves += _point_means(ballot, kept)
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
        counted = [x for x in leaves if x.label.startswith("测评票") and "去掉" not in x.label]
        note = f"{len(counted)} 张票的平均分，权重 {group.weight}%"
        if weight_total != HUNDRED:
            note += f"（无票群体不计，按 {weight_total}% 重新归一）"
        if facts.raters.get(group.id):
            # 分片互评: who the tokens went to, for the group; a ballot names no rater.
            note += f"；票发给评价方：{'、'.join(dict.fromkeys(facts.raters[group.id]))}"
        nodes.append(Node(group.label, mean, tuple(leaves), note=note))
    return weighted / ballot.max * rules.scale, nodes, True


def _point_means(ballot: Any, kept: list[Any]) -> list[Node]:
    """Format 3: under a group, each ballot item's mean over the ballots counted and, for
    an item with 采分点, each point's mean over the ballots that gave points (a ballot may
    give the item whole). The ballots listed above are the events behind them.

    Every sum adds the same figures in the same order as a sum per ballot would; the
    lists are built once per item (a long cycle counts thousands of ballots)."""
    nodes = []
    sheets = [b.scores for b in kept]
    for item in ballot.items:
        by_point = [s for s in sheets if item.id not in s]
        # One column per point, over the ballots that gave points.
        columns = [[s.get(p.id, ZERO) for s in by_point] for p in item.points]
        means = tuple(
            Node(
                f"{p.label}（{item.id}.{p.id}）",
                sum(column, ZERO) / len(by_point),
                note=f"{len(by_point)} 张按采分点填写的票的平均分；满分 {p.max}",
            )
            for p, column in zip(item.points, columns, strict=True)
            if by_point
        )
        # A ballot's item: given whole, its own figure; else its points summed.
        summed = iter([sum(row, ZERO) for row in zip(*columns, strict=True)] if columns else [])
        wholes = [s[item.id] if item.id in s else next(summed, ZERO) for s in sheets]
        nodes.append(
            Node(
                f"测评项目 {item.label}（{item.id}）",
                sum(wholes, ZERO) / len(kept),
                means,
                note=f"{len(kept)} 张票的平均分；满分 {item.max}",
            )
        )
    return nodes


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
    that cannot be scored yet says why in ``refused``, lists what it lacks in
    ``missing``, and has no total."""
    rules = scheme.rules
    context = context or RoundContext()
    recorded = _recorded(facts, rules)
    computed: list[tuple[Component, Decimal | None, list[Node], str]] = []
    missing: list[Missing] = []
    refusals: list[str] = []
    for component in rules.components:
        if component.source == "periods" and "-" in facts.period:
            # A quarter's or half-year's own sheet: it is what a year rolls up.
            note = "本周期为季度/半年，不汇总各期结果"
            computed.append((component, ZERO, [Node(note, None)], "not_applicable"))
            continue
        na = facts.not_applicable(component.id)
        if na is not None:
            computed.append(
                (component, ZERO, [_leaf(f"不适用：{na.reason}", None, na)], "not_applicable")
            )
            continue
        value: Decimal | None
        try:
            if component.source == "items":
                items = _items_component(component, rules, recorded, context)
                if items.missing:
                    missing += [
                        Missing(
                            component.id,
                            component.label,
                            i.id,
                            i.label,
                            "未记录得分，也未认定不适用",
                        )
                        for i in items.missing
                    ]
                    refusals.append(_items_refusal(component, items))
                    computed.append((component, None, items.nodes, "missing"))
                    continue
                if items.all_excluded:
                    computed.append((component, ZERO, items.nodes, "not_applicable"))
                    continue
                value, nodes, present = items.value, items.nodes, items.present
            elif component.source == "ballots":
                value, nodes, present = _ballots_component(rules, facts)
            elif component.source == "ledger":
                value, nodes, present = _ledger_component(rules, facts)
            elif component.source == "periods":
                value, nodes, present = _periods_component(component, facts, context)
            else:
                value, nodes, present = _tasks_component(rules, facts)
        except CannotScore as exc:
            missing.append(Missing(component.id, component.label, reason=str(exc)))
            refusals.append(f"{component.label}：{exc}")
            computed.append((component, None, [Node(str(exc), None, status="missing")], "missing"))
            continue
        status = "scored"
        if not present:
            if component.missing == "refuse":
                reason = "没有任何记录，方案规定缺项不能计分"
                missing.append(Missing(component.id, component.label, reason=reason))
                refusals.append(f"{component.label}：{reason}")
                computed.append((component, None, nodes, "missing"))
                continue
            status = "missing" if component.missing != "zero" else "scored"
            if component.missing == "zero":
                nodes = [*nodes, Node("没有任何记录，按方案计 0 分", ZERO)]
        computed.append((component, value, nodes, status))

    # Missing components under "reweight", and components not applicable, drop out and
    # the remaining weights are scaled back up to 100%.
    dropped = [
        c
        for c, value, _, status in computed
        if status == "not_applicable"
        or (status == "missing" and value is not None and c.missing == "reweight")
    ]
    kept_weight = sum((c.weight for c, _, _, _ in computed if c not in dropped), ZERO)
    component_scores, component_nodes = [], []
    for component, value, nodes, status in computed:
        weighted: Decimal | None
        if component in dropped or kept_weight == 0:
            weight, weighted = ZERO, ZERO
        else:
            weight = component.weight * HUNDRED / kept_weight
            weighted = None if value is None else value * weight / HUNDRED
        if rules.round_at == "component" and weighted is not None:
            shown = round_half_up(weighted, rules.precision)
        else:
            shown = weighted
        component_scores.append(
            ComponentScore(component.id, component.label, weight, value, shown, status)
        )
        if value is None:
            note = f"不能计分：有缺项，权重 {component.weight}%"
        else:
            note = f"得分 {round_half_up(value, rules.precision)}（0–{rules.scale}），权重 {component.weight}%"
            if weight != component.weight:
                note += f"，重新归一后 {weight:.4f}%"
        flag = "missing" if value is None else ""
        component_nodes.append(
            Node(
                component.label,
                shown,
                (Node("得分", value, tuple(nodes), status=flag),),
                note=note,
                status=flag,
            )
        )

    steps_missing: list[Missing] = []
    step_nodes = _unit_steps(rules, facts, steps_missing)
    bonus, deduction, adjust_nodes = _adjustments(rules, facts, context, recorded)
    refused = "；".join(refusals)
    total: Decimal | None = None
    unrounded: Decimal | None = None
    if not refused:
        base = sum((c.weighted or ZERO for c in component_scores), ZERO)
        unrounded = max(base + bonus - deduction, ZERO)
        total = round_half_up(unrounded, rules.precision)
    vetoes = _vetoes(rules, facts)
    children = list(component_nodes)
    children += adjust_nodes
    children += [_veto_node(v) for v in vetoes]
    children += step_nodes
    if refused:
        note, flag = f"尚不能计分：{refused}", "missing"
    else:
        note = f"未舍入 {unrounded_text(unrounded, rules.precision)}；四舍五入到 {rules.precision}"
        flag = ""
    tree = Node(
        f"{facts.unit}/{facts.period} 总分（方案 {scheme.ref}）",
        total,
        tuple(children),
        note=note,
        status=flag,
    )
    return Breakdown(
        total,
        unrounded,
        tuple(component_scores),
        bonus,
        deduction,
        tuple(vetoes),
        tree,
        refused,
        tuple(missing),
        tuple(steps_missing),
    )


def _unit_steps(rules: Rules, facts: CycleFacts, missing: list[Missing]) -> list[Node]:
    """The unit's own steps (format 3): a required one not taken is missing (complete
    before final), though it changes no figure; none at all in a scheme without them."""
    if not rules.unit_steps:
        return []
    from pdca.rules.unit_steps import lacking

    children = []
    for step in rules.unit_steps:
        why = lacking(step, facts)
        record = facts.unit_step(step.id)
        shown = (
            (
                _leaf(
                    f"提交：{record.text}",
                    None,
                    record,
                    evidence=record.evidence,
                    note=_review_note(record),
                ),
            )
            if record is not None
            else ()
        )
        if why and step.required:
            missing.append(Missing(step.id, step.label, reason=why))
        status = "missing" if why and step.required else ""
        note = why or ("已提交并获批准" if step.approval else "已提交")
        children.append(Node(f"{step.label}（{step.id}）", None, shown, note=note, status=status))
    return [
        Node(
            "单位步骤",
            None,
            tuple(children),
            note="不计分；必需的步骤完成后方可定稿（pdca step record）",
        )
    ]


def _review_note(record: Any) -> str:
    review = record.review
    if review is None:
        return ""
    verdict = "批准" if record.approved else "不批准"
    return f"审核{verdict}（#{review.position} {review.actor}：{record.review_reason}）"


def _items_refusal(component: Component, items: _Items) -> str:
    if not items.present:
        return f"{component.label}：{len(items.missing)} 项均未记录，方案规定缺项不能计分"
    listed = "、".join(f"{i.id}（{i.label}）" for i in items.missing)
    return f"{component.label}缺 {len(items.missing)} 项：{listed}"


def _adjustments(
    rules: Rules, facts: CycleFacts, context: RoundContext, recorded: _Recorded
) -> tuple[Decimal, Decimal, list[Node]]:
    """Bonus and deduction; ``recorded``: the facts as the components read them (looked
    up once per scoring: each look-up passes over every fact of the cycle)."""
    nodes = []
    bonus_raw = ZERO
    bonus_nodes = [_category(c, recorded, context).node for c in rules.categories if c.bonus]
    bonus_raw += sum((n.value or ZERO for n in bonus_nodes), ZERO)
    ledger_is_component = any(c.source == "ledger" for c in rules.components)
    findings: list[Finding] = [] if ledger_is_component else facts.findings()
    positive = [f for f in findings if f.points > 0]
    negative = [f for f in findings if f.points < 0]
    bonus_raw += sum((f.points for f in positive), ZERO)
    leaves = [_finding_leaf(f) for f in positive]
    bonus = min(bonus_raw, rules.bonus_cap)
    # A bonus scored but not counted (its step not taken) is still shown, saying why.
    uncounted = any(
        i.requires_step not in recorded.steps and i.id in recorded.scores
        for c in rules.categories
        if c.bonus
        for i in c.items
        if i.requires_step is not None
    )
    if bonus_raw or uncounted:
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


def _vetoes(rules: Rules, facts: CycleFacts) -> list[AppliedVeto]:
    found = []
    for record in facts.vetoes():
        veto = rules.veto(record.rule)
        if veto is not None:
            found.append(
                AppliedVeto(
                    veto.id,
                    veto.label,
                    _effect(veto.effect, veto.grade),
                    False,
                    record.provenance,
                    record.reason,
                    record.evidence,
                    record.observed_on,
                )
            )
    for veto in rules.vetoes:
        if not veto.auto_indicator or veto.id in {v.id for v in found}:
            continue
        # The earliest active finding on the indicator is the one that triggered it.
        trigger = next((f for f in facts.findings() if f.indicator == veto.auto_indicator), None)
        if trigger is not None:
            found.append(
                AppliedVeto(
                    veto.id,
                    veto.label,
                    _effect(veto.effect, veto.grade),
                    True,
                    trigger.provenance,
                    f"台账指标 {veto.auto_indicator} 有发现 #{trigger.provenance.position}（{trigger.source}）",
                    trigger.evidence,
                    trigger.observed_on,
                    trigger,
                )
            )
    return found


def _veto_node(veto: AppliedVeto) -> Node:
    if veto.automatic:
        assert veto.finding is not None
        return Node(
            f"一票否决：{veto.label}",
            None,
            (_finding_leaf(veto.finding),),
            note=f"{veto.effect}；由台账发现 #{veto.provenance.position}（指标 {veto.finding.indicator}）自动触发",
        )
    return Node(
        f"一票否决：{veto.label}",
        None,
        note=f"{veto.effect}；理由：{veto.reason}；证据：{veto.evidence}",
        provenance=veto.provenance,
        evidence=veto.evidence,
        observed_on=veto.observed_on.isoformat() if veto.observed_on else "",
    )


def _effect(effect: str, grade: str) -> str:
    return f"等次定为 {grade}" if effect == "force_grade" else f"等次最高为 {grade}"


def _periods_component(
    component: Component, facts: CycleFacts, context: RoundContext
) -> tuple[Decimal, list[Node], bool]:
    """A roll-up: the mean of the published totals of the unit's quarters (or
    half-years) of this year. Once the unit has a cycle in any of them, every one is
    required: a period not opened, or not finalised, makes the year incomplete. With
    none at all, nothing is recorded (the component's ``missing`` rule)."""
    periods = [f"{facts.period}-{p}" for p in component.periods]
    found = {p: context.published.get((facts.unit, p), _NONE) for p in periods}
    if all(v is _NONE for v in found.values()):
        return ZERO, [Node("没有季度/半年周期", None)], False
    lacking = [
        f"{p} {'未开启周期' if v is _NONE else '尚未定稿发布'}"
        for p, v in found.items()
        if not isinstance(v, Decimal)
    ]
    if lacking:
        raise CannotScore(f"{'、'.join(lacking)}，年度不能汇总")
    totals = [v for v in found.values() if isinstance(v, Decimal)]
    nodes = [
        Node(
            f"{p} 发布的总分",
            v,
            note=context.published_from.get((facts.unit, p), f"考核轮次 {p} 定稿发布"),
        )
        for p, v in found.items()
    ]
    mean = sum(totals, ZERO) / len(totals)
    return mean, [*nodes, Node(f"{len(totals)} 期平均", mean)], True


_NONE = object()


def rolls_up(scheme: Scheme) -> tuple[str, ...]:
    """The sub-periods a scheme's year rolls up (none: no roll-up)."""
    return tuple(p for c in scheme.rules.components if c.source == "periods" for p in c.periods)


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
