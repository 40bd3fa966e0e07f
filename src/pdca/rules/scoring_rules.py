"""The scoring content of a scheme (see docs/schemes.md): catalogue, components,
ballot, ledger, adjustments, vetoes, grades, distribution, tiers, rounding.

Parsed into frozen dataclasses with every figure a ``Decimal``. The validator checks
the arithmetic (weights sum to 100, points within maxima, catalogue totals) and sorts
what it finds into problems (the file is refused) and warnings (the file loads, the
numbers are reported, e.g. 甘肃's "57 quantitative + 11 qualitative ≠ 71 items").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

HUNDRED = Decimal(100)
ITEM_RULES = ("direct", "per_occurrence", "banded", "ratio_to_best")
SOURCES = ("ballots", "ledger", "tasks", "items")
MISSING = ("zero", "reweight", "refuse")
QUOTA_ROUNDING = ("floor", "half_up", "ceil")


class Reporter(Protocol):
    def add(self, key: str, message: str) -> None: ...
    def warn(self, key: str, message: str) -> None: ...


@dataclass(frozen=True)
class ScoringPoint:
    id: str
    label: str
    max: Decimal


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    max: Decimal
    kind: str
    rule: str = "direct"
    required: Decimal = Decimal(0)
    per: Decimal = Decimal(0)
    threshold: Decimal = HUNDRED
    band: Decimal = Decimal(10)
    points: tuple[ScoringPoint, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    max: Decimal
    bonus: bool
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Component:
    id: str
    label: str
    weight: Decimal
    source: str
    missing: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class BallotGroup:
    id: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Ballot:
    max: Decimal
    trim: bool
    quorum: int
    items: tuple[ScoringPoint, ...]
    groups: tuple[BallotGroup, ...]
    masses_group: str = ""
    masses_min_share: Decimal = Decimal(0)


@dataclass(frozen=True)
class LedgerIndicator:
    id: str
    label: str
    max: Decimal
    min_points: Decimal
    max_points: Decimal
    #: Points per rectification item carried in from last period and still open (老毛病).
    per_open_carried: Decimal = Decimal(0)


@dataclass(frozen=True)
class Veto:
    id: str
    label: str
    effect: str  # "force_grade" | "cap_grade"
    grade: str
    auto_indicator: str = ""


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    min: Decimal


@dataclass(frozen=True)
class Quota:
    grades: tuple[str, ...]
    max_share: Decimal
    rounding: str


@dataclass(frozen=True)
class Tier:
    id: str
    label: str
    top_share: Decimal | None = None
    min: Decimal | None = None


@dataclass(frozen=True)
class Escalation:
    """Overdue by at least ``after_days`` days: record this measure (once)."""

    after_days: int
    measure: str


#: ASSUMPTION (no seed gives numbers): a reminder on the first overdue day, an interview
#: (约谈) after 30 days, accountability (问责) after 90 — see 达州 「逗硬问责」, 述评考用
#: 「对整改不力的单位或个人严肃问责」.
DEFAULT_ESCALATIONS = (Escalation(1, "提醒"), Escalation(30, "约谈"), Escalation(90, "问责"))


@dataclass(frozen=True)
class Rules:
    scale: Decimal = HUNDRED
    precision: Decimal = Decimal("0.01")
    round_at: str = "total"
    rank_by: str = "round"
    tie_break: tuple[str, ...] = ()
    missing: str = "zero"
    categories: tuple[Category, ...] = ()
    components: tuple[Component, ...] = ()
    ballot: Ballot | None = None
    ledger_sources: tuple[str, ...] = ("暗访", "督查", "调研", "互检")
    ledger_indicators: tuple[LedgerIndicator, ...] = ()
    quality: tuple[tuple[str, Decimal], ...] = ()
    bonus_cap: Decimal = Decimal(0)
    deduction_cap: Decimal | None = None
    vetoes: tuple[Veto, ...] = ()
    grades: tuple[Grade, ...] = ()
    distribution_scope: str = "round"
    quotas: tuple[Quota, ...] = ()
    tiers: tuple[Tier, ...] = ()
    near_days: int = 7  # 督办 colours: blue when the deadline is this close
    escalations: tuple[Escalation, ...] = DEFAULT_ESCALATIONS

    @property
    def scored(self) -> bool:
        return bool(self.components)

    def item(self, item_id: str) -> tuple[Category, Item] | None:
        for category in self.categories:
            for item in category.items:
                if item.id == item_id:
                    return category, item
        return None

    def item_ids(self) -> list[str]:
        return [i.id for c in self.categories for i in c.items]

    def indicator(self, indicator_id: str) -> LedgerIndicator | None:
        return next((i for i in self.ledger_indicators if i.id == indicator_id), None)

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def veto(self, veto_id: str) -> Veto | None:
        return next((v for v in self.vetoes if v.id == veto_id), None)

    def grade_index(self, grade_id: str) -> int:
        return [g.id for g in self.grades].index(grade_id)

    def quality_factor(self, quality: str | None) -> Decimal:
        if quality is None:
            return Decimal(1)
        return dict(self.quality).get(quality, Decimal(1))


# ---- parsing ---------------------------------------------------------------------------


def _dec(
    table: dict[str, Any], key: str, where: str, out: Reporter, default: Decimal | None = None
) -> Decimal:
    value = table.get(key)
    if value is None:
        if default is None:
            out.add(f"{where}.{key}", '缺少数值（写成字符串形式的小数，如 "2.5"）')
            return Decimal(0)
        return default
    if isinstance(value, float):
        out.add(f"{where}.{key}", f'请把小数写成字符串 "{value}"，以免二进制浮点误差')
        return Decimal(str(value))
    try:
        return (
            Decimal(str(value))
            if isinstance(value, str | int) and not isinstance(value, bool)
            else _bad(where, key, value, out)
        )
    except InvalidOperation:
        return _bad(where, key, value, out)


def _bad(where: str, key: str, value: Any, out: Reporter) -> Decimal:
    out.add(f"{where}.{key}", f"'{value}' 不是数值")
    return Decimal(0)


def _str(
    table: dict[str, Any], key: str, where: str, out: Reporter, default: str | None = None
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        out.add(f"{where}.{key}", "必须是非空字符串")
        return default or ""
    return value


def _choice(
    table: dict[str, Any],
    key: str,
    where: str,
    allowed: tuple[str, ...],
    default: str,
    out: Reporter,
) -> str:
    value = table.get(key, default)
    if value not in allowed:
        out.add(f"{where}.{key}", f"'{value}' 不可用；允许：{'、'.join(allowed)}")
        return default
    return str(value)


def _tables(
    data: dict[str, Any], key: str, where: str, out: Reporter
) -> list[tuple[str, dict[str, Any]]]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        out.add(f"{where}{key}", "必须是表的数组")
        return []
    result = []
    for n, entry in enumerate(raw):
        if isinstance(entry, dict):
            result.append((f"{where}{key}[{n}]", entry))
        else:
            out.add(f"{where}{key}[{n}]", "必须是表")
    return result


def _unique(ids: list[str], where: str, what: str, out: Reporter) -> None:
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.add(where, f"{what} '{dup}' 重复")


def _points(entry: dict[str, Any], where: str, out: Reporter) -> tuple[ScoringPoint, ...]:
    return tuple(
        ScoringPoint(
            _str(p, "id", w, out),
            _str(p, "label", w, out, default=str(p.get("id", ""))),
            _dec(p, "max", w, out),
        )
        for w, p in _tables(entry, "points", f"{where}.", out)
    )


def _item(entry: dict[str, Any], where: str, out: Reporter) -> Item:
    rule = _choice(entry, "rule", where, ITEM_RULES, "direct", out)
    item = Item(
        id=_str(entry, "id", where, out),
        label=_str(entry, "label", where, out, default=str(entry.get("id", ""))),
        max=_dec(entry, "max", where, out),
        kind=_choice(entry, "kind", where, ("quantitative", "qualitative"), "quantitative", out),
        rule=rule,
        required=_dec(
            entry, "required", where, out, None if rule == "per_occurrence" else Decimal(0)
        ),
        per=_dec(
            entry, "per", where, out, None if rule in ("per_occurrence", "banded") else Decimal(0)
        ),
        threshold=_dec(entry, "threshold", where, out, HUNDRED),
        band=_dec(entry, "band", where, out, Decimal(10)),
        points=_points(entry, where, out),
    )
    if item.max <= 0:
        out.add(f"{where}.max", f"分值必须大于 0，实际为 {item.max}")
    if item.points:
        total = sum((p.max for p in item.points), Decimal(0))
        if total != item.max:
            out.add(f"{where}.points", f"采分点合计 {total} 不等于该项分值 {item.max}")
    if rule == "banded" and item.band <= 0:
        out.add(f"{where}.band", "档宽必须大于 0")
    return item


def _catalog(data: dict[str, Any], out: Reporter) -> tuple[Category, ...]:
    catalog = data.get("catalog", {})
    categories = []
    for where, entry in _tables(catalog, "categories", "catalog.", out):
        items = tuple(_item(i, w, out) for w, i in _tables(entry, "items", f"{where}.", out))
        item_total = sum((i.max for i in items), Decimal(0))
        cap = _dec(entry, "max", where, out, item_total)
        if cap > item_total:
            out.warn(
                f"{where}.max",
                f"类别封顶 {cap} 大于其各项分值合计 {item_total}，该类别永远拿不到满分",
            )
        categories.append(
            Category(
                _str(entry, "id", where, out),
                _str(entry, "label", where, out, default=str(entry.get("id", ""))),
                cap,
                bool(entry.get("bonus", False)),
                items,
            )
        )
    items = [i for c in categories for i in c.items]
    _unique([c.id for c in categories], "catalog.categories", "类别", out)
    _unique([i.id for i in items], "catalog.categories", "指标项", out)
    declared = {
        k: catalog.get(k)
        for k in ("declared_items", "declared_quantitative", "declared_qualitative")
    }
    quantitative = sum(1 for i in items if i.kind == "quantitative")
    qualitative = len(items) - quantitative
    if declared["declared_items"] is not None:
        if (
            declared["declared_quantitative"] is not None
            and declared["declared_qualitative"] is not None
        ):
            parts = declared["declared_quantitative"] + declared["declared_qualitative"]
            if parts != declared["declared_items"]:
                out.warn(
                    "catalog",
                    f"来源文件称定量 {declared['declared_quantitative']} 项 + 定性 {declared['declared_qualitative']} 项"
                    f" = {parts} 项，但总数为 {declared['declared_items']} 项（相差 {declared['declared_items'] - parts}）",
                )
        if declared["declared_items"] != len(items):
            out.warn(
                "catalog",
                f"来源文件称共 {declared['declared_items']} 项，本文件列出 {len(items)} 项"
                f"（定量 {quantitative}、定性 {qualitative}）",
            )
    return tuple(categories)


def _components(
    data: dict[str, Any], categories: tuple[Category, ...], default_missing: str, out: Reporter
) -> tuple[Component, ...]:
    components = []
    category_ids = {c.id for c in categories}
    for where, entry in _tables(data, "components", "", out):
        source = _choice(entry, "source", where, SOURCES, "items", out)
        cats = tuple(entry.get("categories", []))
        if source == "items":
            if not cats:
                out.add(f"{where}.categories", 'source = "items" 的组成部分必须列出所汇总的类别')
            for c in cats:
                if c not in category_ids:
                    out.add(
                        f"{where}.categories",
                        f"未知类别 '{c}'；允许：{'、'.join(sorted(category_ids)) or '（无）'}",
                    )
        components.append(
            Component(
                id=_str(entry, "id", where, out),
                label=_str(entry, "label", where, out, default=str(entry.get("id", ""))),
                weight=_dec(entry, "weight", where, out),
                source=source,
                missing=_choice(entry, "missing", where, MISSING, default_missing, out),
                categories=cats,
            )
        )
    if components:
        total = sum((c.weight for c in components), Decimal(0))
        if total != HUNDRED:
            listed = " + ".join(f"{c.id} {c.weight}" for c in components)
            out.add("components", f"权重合计必须为 100%，实际为 {listed} = {total}%")
    _unique([c.id for c in components], "components", "组成部分", out)
    return tuple(components)


def _ballot(data: dict[str, Any], out: Reporter) -> Ballot | None:
    raw = data.get("ballot")
    if raw is None:
        return None
    items = tuple(
        ScoringPoint(
            _str(i, "id", w, out),
            _str(i, "label", w, out, default=str(i.get("id", ""))),
            _dec(i, "max", w, out),
        )
        for w, i in _tables(raw, "items", "ballot.", out)
    )
    groups = tuple(
        BallotGroup(
            _str(g, "id", w, out),
            _str(g, "label", w, out, default=str(g.get("id", ""))),
            _dec(g, "weight", w, out),
        )
        for w, g in _tables(raw, "groups", "ballot.", out)
    )
    ballot = Ballot(
        max=_dec(raw, "max", "ballot", out, HUNDRED),
        trim=bool(raw.get("trim", False)),
        quorum=int(raw.get("quorum", 1)),
        items=items,
        groups=groups,
        masses_group=str(raw.get("masses_group", "")),
        masses_min_share=_dec(raw, "masses_min_share", "ballot", out, Decimal(0)),
    )
    if not items:
        out.add("ballot.items", "测评票至少要有一个项目")
    item_total = sum((i.max for i in items), Decimal(0))
    if items and item_total != ballot.max:
        out.add("ballot.items", f"测评票各项目分值合计 {item_total} 不等于总分 {ballot.max}")
    if not groups:
        out.add("ballot.groups", "至少要有一个评议群体")
    weight_total = sum((g.weight for g in groups), Decimal(0))
    if groups and weight_total != HUNDRED:
        out.add("ballot.groups", f"评议群体权重合计必须为 100%，实际为 {weight_total}%")
    if ballot.masses_group:
        masses = next((g for g in groups if g.id == ballot.masses_group), None)
        if masses is None:
            out.add(
                "ballot.masses_group",
                f"未知评议群体 '{ballot.masses_group}'；允许：{'、'.join(g.id for g in groups)}",
            )
        elif masses.weight < ballot.masses_min_share:
            out.add(
                "ballot.masses_group",
                f"群众评价比例 {masses.weight}% 低于方案规定的下限 {ballot.masses_min_share}%",
            )
    _unique([i.id for i in items], "ballot.items", "测评项目", out)
    _unique([g.id for g in groups], "ballot.groups", "评议群体", out)
    return ballot


def _ledger(
    data: dict[str, Any], out: Reporter
) -> tuple[tuple[str, ...], tuple[LedgerIndicator, ...]]:
    raw = data.get("ledger", {})
    sources = tuple(raw.get("sources", ("暗访", "督查", "调研", "互检")))
    indicators = []
    for where, entry in _tables(raw, "indicators", "ledger.", out):
        cap = _dec(entry, "max", where, out, Decimal(0))
        indicators.append(
            LedgerIndicator(
                id=_str(entry, "id", where, out),
                label=_str(entry, "label", where, out, default=str(entry.get("id", ""))),
                max=cap,
                min_points=_dec(entry, "min_points", where, out, -cap if cap else Decimal(-100)),
                max_points=_dec(entry, "max_points", where, out, Decimal(0)),
                per_open_carried=_dec(entry, "per_open_carried", where, out, Decimal(0)),
            )
        )
    _unique([i.id for i in indicators], "ledger.indicators", "台账指标", out)
    return sources, tuple(indicators)


def _rectification(data: dict[str, Any], out: Reporter) -> tuple[int, tuple[Escalation, ...]]:
    raw = data.get("rectification", {})
    near = raw.get("near_days", 7)
    if not isinstance(near, int) or near < 0:
        out.add("rectification.near_days", f"'{near}' 必须是非负整数（天）")
        near = 7
    steps = []
    for where, entry in _tables(raw, "escalation", "rectification.", out):
        days = entry.get("after_days")
        if not isinstance(days, int) or days < 1:
            out.add(f"{where}.after_days", f"'{days}' 必须是正整数（逾期天数）")
            continue
        steps.append(Escalation(days, _str(entry, "measure", where, out)))
    if [s.after_days for s in steps] != sorted(s.after_days for s in steps):
        out.add("rectification.escalation", "逐级督办必须按逾期天数从少到多排列")
    return near, tuple(steps) or DEFAULT_ESCALATIONS


def parse_rules(data: dict[str, Any], out: Reporter) -> Rules:
    scoring = data.get("scoring", {})
    missing = _choice(scoring, "missing", "scoring", MISSING, "zero", out)
    categories = _catalog(data, out)
    components = _components(data, categories, missing, out)
    ballot = _ballot(data, out)
    sources, indicators = _ledger(data, out)
    by_source = {c.source for c in components}
    if "ballots" in by_source and ballot is None:
        out.add("components", '有 source = "ballots" 的组成部分，却没有 [ballot] 表')
    if "ledger" in by_source and not indicators:
        out.add("components", '有 source = "ledger" 的组成部分，却没有 [[ledger.indicators]]')
    grades = tuple(
        Grade(
            _str(g, "id", w, out),
            _str(g, "label", w, out, default=str(g.get("id", ""))),
            _dec(g, "min", w, out),
        )
        for w, g in _tables(data, "grades", "", out)
    )
    mins = [g.min for g in grades]
    if grades and (mins != sorted(mins, reverse=True) or mins[-1] != 0):
        out.add(
            "grades",
            f"等次下限必须从高到低排列且最后一档为 0，实际为 {'、'.join(str(m) for m in mins)}",
        )
    grade_ids = [g.id for g in grades]
    _unique(grade_ids, "grades", "等次", out)
    vetoes = []
    indicator_ids = {i.id for i in indicators}
    for where, entry in _tables(data, "vetoes", "", out):
        veto = Veto(
            id=_str(entry, "id", where, out),
            label=_str(entry, "label", where, out, default=str(entry.get("id", ""))),
            effect=_choice(
                entry, "effect", where, ("force_grade", "cap_grade"), "force_grade", out
            ),
            grade=_str(entry, "grade", where, out),
            auto_indicator=str(entry.get("auto_indicator", "")),
        )
        if veto.grade and veto.grade not in grade_ids:
            out.add(
                f"{where}.grade",
                f"未知等次 '{veto.grade}'；允许：{'、'.join(grade_ids) or '（无等次）'}",
            )
        if veto.auto_indicator and veto.auto_indicator not in indicator_ids:
            out.add(
                f"{where}.auto_indicator",
                f"未知台账指标 '{veto.auto_indicator}'；允许：{'、'.join(sorted(indicator_ids)) or '（无）'}",
            )
        vetoes.append(veto)
    distribution = data.get("distribution", {})
    quotas = []
    for where, entry in _tables(distribution, "quotas", "distribution.", out):
        quota = Quota(
            tuple(entry.get("grades", [])),
            _dec(entry, "max_share", where, out),
            _choice(entry, "rounding", where, QUOTA_ROUNDING, "floor", out),
        )
        for g in quota.grades:
            if g not in grade_ids:
                out.add(f"{where}.grades", f"未知等次 '{g}'；允许：{'、'.join(grade_ids)}")
        if not quota.grades:
            out.add(f"{where}.grades", "必须列出受限的等次")
        quotas.append(quota)
    tiers = []
    for where, entry in _tables(data, "tiers", "", out):
        has_share, has_min = "top_share" in entry, "min" in entry
        if has_share == has_min:
            out.add(where, "档次必须且只能给出 top_share 或 min 之一")
        tiers.append(
            Tier(
                _str(entry, "id", where, out),
                _str(entry, "label", where, out, default=str(entry.get("id", ""))),
                _dec(entry, "top_share", where, out) if has_share else None,
                _dec(entry, "min", where, out) if has_min else None,
            )
        )
    shares = [t.top_share for t in tiers if t.top_share is not None]
    if shares and (shares != sorted(shares) or shares[-1] != HUNDRED):
        out.add(
            "tiers",
            f"档次的 top_share 必须递增且最后为 100，实际为 {'、'.join(str(s) for s in shares)}",
        )
    component_ids = {c.id for c in components}
    tie_break = tuple(scoring.get("tie_break", []))
    for key in tie_break:
        kind, _, ref = str(key).partition(":")
        if kind != "component" or ref not in component_ids:
            out.add(
                "scoring.tie_break",
                f"'{key}' 不可用；允许：{'、'.join('component:' + c for c in sorted(component_ids))}",
            )
    adjustments = data.get("adjustments", {})
    quality = tuple(
        (str(k), _dec({"v": v}, "v", f"tasks.quality.{k}", out))
        for k, v in data.get("tasks", {}).get("quality", {}).items()
    )
    precision = _dec(scoring, "precision", "scoring", out, Decimal("0.01"))
    if precision <= 0:
        out.add("scoring.precision", '精度必须大于 0，如 "0.01"')
    near_days, escalations = _rectification(data, out)
    return Rules(
        near_days=near_days,
        escalations=escalations,
        scale=_dec(scoring, "scale", "scoring", out, HUNDRED),
        precision=precision,
        round_at=_choice(scoring, "round_at", "scoring", ("total", "component"), "total", out),
        rank_by=_choice(scoring, "rank_by", "scoring", ("round", "category"), "round", out),
        tie_break=tie_break,
        missing=missing,
        categories=categories,
        components=components,
        ballot=ballot,
        ledger_sources=sources,
        ledger_indicators=indicators,
        quality=quality,
        bonus_cap=_dec(adjustments, "bonus_cap", "adjustments", out, Decimal(0)),
        deduction_cap=_dec(adjustments, "deduction_cap", "adjustments", out)
        if "deduction_cap" in adjustments
        else None,
        vetoes=tuple(vetoes),
        grades=grades,
        distribution_scope=_choice(
            distribution, "scope", "distribution", ("round", "category"), "round", out
        ),
        quotas=tuple(quotas),
        tiers=tuple(tiers),
    )
