"""A scheme file's declared scoring tables → ``Rules``, with the arithmetic checked.

Types, keys and ranges were checked against the declaration (``scheme_format``) by
``scheme_check``; what is left here is what relates one value to another: weights
sum to 100, points to their item's maximum, a veto names a grade that exists. What
it finds is sorted into problems (the file is refused) and warnings (the file loads,
the numbers are reported, e.g. 甘肃's "57 quantitative + 11 qualitative ≠ 71 items").
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pdca.rules import scheme_format as fmt
from pdca.rules.scoring_rules import (
    DEFAULT_ESCALATIONS,
    HUNDRED,
    Area,
    Ballot,
    BallotGroup,
    Category,
    Component,
    Consequence,
    Conversion,
    Escalation,
    Grade,
    Item,
    LedgerIndicator,
    Quota,
    Reporter,
    Rules,
    ScoringPoint,
    Tier,
    Veto,
)

ZERO = Decimal(0)
_NEEDED = '缺少数值（写成字符串形式的小数，如 "2.5"）'


def rules_of(data: dict[str, Any]) -> Rules:
    """The rules of a text a cycle pinned: read as pdca read it then, never re-validated."""
    from pdca.rules.problems import Problems
    from pdca.rules.scheme_check import check

    ignored = Problems("（周期锁定的方案）")
    return read_rules(check(data, ignored, lenient=True), ignored)


def read_rules(file: fmt.SchemeFile, out: Reporter) -> Rules:
    scoring = file.scoring
    _needs_format_3(file, out)
    scored_points = file.format >= 3
    areas, categories = _catalog(file.catalog, scored_points, out)
    components = _components(file.components, categories, scoring.missing, out)
    ballot = _ballot(file.ballot, out) if file.ballot is not None else None
    indicators = _indicators(file.ledger.indicators, out)
    _sources_present(components, ballot, indicators, out)
    grades = _grades(file.grades, out)
    near_days, escalations = _rectification(file.rectification, out)
    tiers = _tiers(file.tiers, out)
    conversions = _conversions(file.conversions, out)
    _substage_records(file, components, ballot, out)
    from pdca.rules.unit_steps import check_item_steps, read_unit_steps

    unit_steps = read_unit_steps(file, out)
    check_item_steps(file, unit_steps, out)
    _teams(file.teams, out)
    return Rules(
        unit_steps=unit_steps,
        near_days=near_days,
        escalations=escalations,
        scale=_d(scoring.scale),
        precision=_d(scoring.precision),
        round_at=scoring.round_at,
        rank_by=scoring.rank_by,
        tie_break=_tie_break(scoring.tie_break, components, out),
        missing=scoring.missing,
        categories=categories,
        areas=areas,
        components=components,
        ballot=ballot,
        ledger_sources=tuple(file.ledger.sources),
        ledger_indicators=indicators,
        quality=tuple((str(k), _d(v)) for k, v in file.tasks.quality.items()),
        bonus_cap=_d(file.adjustments.bonus_cap),
        deduction_cap=_maybe(file.adjustments.deduction_cap),
        vetoes=_vetoes(file.vetoes, grades, indicators, out),
        grades=grades,
        distribution_scope=file.distribution.scope,
        quotas=_quotas(file.distribution.quotas, grades, out),
        tiers=tiers,
        conversions=conversions,
        consequences=_consequences(file.consequences, grades, tiers, conversions, out),
    )


def _d(value: int | str) -> Decimal:
    return Decimal(str(value))


def _maybe(value: int | str | None) -> Decimal | None:
    return None if value is None else _d(value)


def _or_zero(value: int | str | None) -> Decimal:
    return Decimal(0) if value is None else _d(value)


def _label(entry: Any) -> str:
    return entry.label if entry.label is not None else entry.id


def _unique(ids: Sequence[str], where: str, what: str, out: Reporter) -> None:
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.add(where, f"{what} '{dup}' 重复")


def _needed(value: int | str | None, where: str, out: Reporter) -> Decimal:
    if value is None:
        out.add(where, _NEEDED)
        return Decimal(0)
    return _d(value)


# ---- catalogue -------------------------------------------------------------------------


def _points(entries: list[fmt.PointEntry]) -> tuple[ScoringPoint, ...]:
    return tuple(ScoringPoint(p.id, _label(p), _d(p.max)) for p in entries)


def _needs_format_3(file: fmt.SchemeFile, out: Reporter) -> None:
    """A key of format 3 in an older file: refused, since the older format would read the
    same file differently (its 采分点 were shown, never scored)."""
    if file.format >= 3:
        return
    used = []
    catalog = file.catalog
    if catalog.areas:
        used.append("catalog.areas")
    for key in ("declared_areas", "declared_categories"):
        if getattr(catalog, key) is not None:
            used.append(f"catalog.{key}")
    for n, c in enumerate(catalog.categories):
        where = f"catalog.categories[{n}]"
        used += [f"{where}.{k}" for k in ("area", "declared_items") if getattr(c, k) is not None]
        for m, i in enumerate(c.items):
            if i.kind == "unstated":
                used.append(f"{where}.items[{m}].kind")
            if i.requires_step is not None:
                used.append(f"{where}.items[{m}].requires_step")
            if i.opinions or i.rule in ("opinion", "carried"):
                used.append(f"{where}.items[{m}].{'opinions' if i.opinions else 'rule'}")
    if file.ballot is not None:
        used += [f"ballot.items[{n}].points" for n, i in enumerate(file.ballot.items) if i.points]
        used += [f"ballot.groups[{n}].raters" for n, g in enumerate(file.ballot.groups) if g.raters]
    used += [
        key for key in ("conversions", "consequences", "unit_steps", "teams") if getattr(file, key)
    ]
    used += [
        f"components[{n}].source" for n, c in enumerate(file.components) if c.source == "periods"
    ]
    for n, m, sub in _substages(file):
        where = f"workflow.stages[{n}].substages[{m}]"
        used += [f"{where}.records"] if sub.records is not None else []
        used += [f"{where}.approver_outside_team"] if sub.approver_outside_team else []
    for key in used:
        out.add(key, f"此键属于方案格式 3；请在文件开头写 format = 3（本文件为格式 {file.format}）")


def _teams(teams: list[fmt.TeamEntry], out: Reporter) -> None:
    """A team takes in at least one grid or category; ids and labels are unique (an
    account team is named by the label)."""
    seen: set[str] = set()
    for n, team in enumerate(teams):
        where = f"teams[{n}]"
        if not (team.grids or team.categories):
            out.add(where, "督查组至少包含一个联系片（grids）或单位类别（categories）")
        for key in (team.id, team.label):
            if key in seen:
                out.add(where, f"督查组 {key} 重复；每个督查组的 id 和 label 须唯一")
            seen.add(key)


def _opinions(entry: fmt.ItemEntry, where: str, out: Reporter) -> tuple[tuple[str, Decimal], ...]:
    table = tuple((str(word), _d(points)) for word, points in entry.opinions.items())
    if entry.rule == "opinion" and not table:
        out.add(f"{where}.opinions", 'rule = "opinion" 的指标必须给出意见→分值表（如 好 = "10"）')
    if table and entry.rule != "opinion":
        out.add(f"{where}.opinions", f'只有 rule = "opinion" 的指标才有意见表；本项为 {entry.rule}')
    for word, points in table:
        if not ZERO <= points <= _d(entry.max):
            out.add(
                f"{where}.opinions.{word}",
                f"意见「{word}」的分值 {points} 超出该项分值范围；允许 0 至 {_d(entry.max)}",
            )
    if entry.rule == "opinion" and entry.points:
        out.add(f"{where}.points", "按意见计分的指标不能再分采分点")
    return table


def _item(entry: fmt.ItemEntry, where: str, scored_points: bool, out: Reporter) -> Item:
    rule = entry.rule
    required = (
        _needed(entry.required, f"{where}.required", out)
        if rule == "per_occurrence"
        else _or_zero(entry.required)
    )
    per = (
        _needed(entry.per, f"{where}.per", out)
        if rule in ("per_occurrence", "banded", "carried")
        else _or_zero(entry.per)
    )
    item = Item(
        id=entry.id,
        label=_label(entry),
        max=_d(entry.max),
        kind=entry.kind,
        rule=rule,
        required=required,
        per=per,
        threshold=_d(entry.threshold),
        band=_d(entry.band),
        points=_points(entry.points),
        scored_points=scored_points and bool(entry.points),
        opinions=_opinions(entry, where, out),
        requires_step=entry.requires_step,
    )
    if item.max <= 0:
        out.add(f"{where}.max", f"分值必须大于 0，实际为 {item.max}")
    if item.points:
        _points_fit(item.points, item.max, f"{where}.points", out)
        if item.scored_points and rule != "direct":
            out.add(
                f"{where}.rule",
                f"有采分点的指标按各采分点的得分合计计分，rule 只能是 direct；实际为 {rule}",
            )
    if rule == "carried" and (entry.points or entry.opinions):
        # 老毛病 is counted from the carried-in rectification items, never recorded.
        out.add(
            f"{where}.rule",
            'rule = "carried" 的指标按上期未销号的整改项自动计分，不能有采分点或意见表',
        )
    # A deduction of 0 or less would leave a shortfall (or 老毛病) unpunished, or reward
    # it: silently wrong. Format 3 only (``scored_points``), so older pinned texts load.
    deducts = rule == "carried" or (scored_points and rule in ("per_occurrence", "banded"))
    if deducts and entry.per is not None and per <= 0:
        out.add(f"{where}.per", f"扣分必须大于 0，实际为 {per}")
    if rule == "banded" and item.band <= 0:
        out.add(f"{where}.band", "档宽必须大于 0")
    return item


def _points_fit(points: tuple[ScoringPoint, ...], cap: Decimal, where: str, out: Reporter) -> None:
    total = sum((p.max for p in points), Decimal(0))
    if total != cap:
        out.add(where, f"采分点合计 {total} 不等于该项分值 {cap}")
    for n, p in enumerate(points):
        if p.max <= 0:
            out.add(f"{where}[{n}].max", f"分值必须大于 0，实际为 {p.max}")
    _unique([p.id for p in points], where, "采分点", out)


def _category(entry: fmt.CategoryEntry, where: str, scored_points: bool, out: Reporter) -> Category:
    items = tuple(
        _item(i, f"{where}.items[{n}]", scored_points, out) for n, i in enumerate(entry.items)
    )
    item_total = sum((i.max for i in items), Decimal(0))
    cap = _d(entry.max) if entry.max is not None else item_total
    if cap > item_total:
        out.warn(
            f"{where}.max",
            f"类别封顶 {cap} 大于其各项分值合计 {item_total}，该类别永远拿不到满分",
        )
    if entry.declared_items is not None and entry.declared_items != len(items):
        out.warn(
            f"{where}.declared_items",
            f"来源文件称本类共 {entry.declared_items} 项，本文件列出 {len(items)} 项",
        )
    return Category(
        entry.id, _label(entry), cap, entry.bonus, items, entry.area or "", entry.declared_items
    )


def _catalog(
    catalog: fmt.Catalog, scored_points: bool, out: Reporter
) -> tuple[tuple[Area, ...], tuple[Category, ...]]:
    categories = tuple(
        _category(c, f"catalog.categories[{n}]", scored_points, out)
        for n, c in enumerate(catalog.categories)
    )
    items = [i for c in categories for i in c.items]
    _unique([c.id for c in categories], "catalog.categories", "类别", out)
    _unique([i.id for i in items], "catalog.categories", "指标项", out)
    areas = _areas(catalog, categories, out)
    if scored_points:
        _declared_per_level(catalog, areas, categories, out)
    else:
        _declared_counts(catalog, items, out)
    return areas, categories


def _areas(
    catalog: fmt.Catalog, categories: tuple[Category, ...], out: Reporter
) -> tuple[Area, ...]:
    areas = tuple(
        Area(a.id, _label(a), a.declared_categories, a.declared_items, a.declared_points)
        for a in catalog.areas
    )
    _unique([a.id for a in areas], "catalog.areas", "大类", out)
    known = [a.id for a in areas]
    for n, c in enumerate(categories):
        if c.area and c.area not in known:
            out.add(
                f"catalog.categories[{n}].area",
                f"未知大类 '{c.area}'；允许：{'、'.join(known) or '（无 [[catalog.areas]]）'}",
            )
    return areas


def _declared_per_level(
    catalog: fmt.Catalog,
    areas: tuple[Area, ...],
    categories: tuple[Category, ...],
    out: Reporter,
) -> None:
    """Format 3: each declared count against the level it counts. The seeds' counts are
    of the assessed catalogue, so bonus categories (outside it) are not counted; the
    kinds are counted each on its own (甘肃 says 71 条 and, of 指标, 57 定量 and 11 定性:
    not a sum to check: its 3 other 条 are of neither kind, ``kind = "unstated"``)."""
    # With areas, the catalogue the seed counts is what the areas hold (甘肃's 平时考核
    # marks sit outside its 71 条); without, every category but a bonus one.
    counted = [c for c in categories if c.area] if areas else [c for c in categories if not c.bonus]
    items = [i for c in counted for i in c.items]
    said = (
        ("declared_areas", catalog.declared_areas, len(areas), "个大类"),
        ("declared_categories", catalog.declared_categories, len(counted), "个类别"),
        ("declared_items", catalog.declared_items, len(items), "项"),
        (
            "declared_quantitative",
            catalog.declared_quantitative,
            sum(1 for i in items if i.kind == "quantitative"),
            "项定量指标",
        ),
        (
            "declared_qualitative",
            catalog.declared_qualitative,
            sum(1 for i in items if i.kind == "qualitative"),
            "项定性指标",
        ),
    )
    for key, declared, listed, what in said:
        if declared is not None and declared != listed:
            out.warn(
                f"catalog.{key}", f"来源文件称共 {declared} {what}，本文件列出 {listed} {what}"
            )
    for n, area in enumerate(areas):
        mine = [c for c in counted if c.area == area.id]
        for key, declared, listed, what in (
            ("declared_categories", area.declared_categories, len(mine), "个类别"),
            ("declared_items", area.declared_items, sum(len(c.items) for c in mine), "项"),
            (
                "declared_points",
                area.declared_points,
                sum(len(i.points) for c in mine for i in c.items),
                "个采分点",
            ),
        ):
            if declared is not None and declared != listed:
                out.warn(
                    f"catalog.areas[{n}].{key}",
                    f"来源文件称「{area.label}」共 {declared} {what}，本文件列出 {listed} {what}",
                )


def _declared_counts(catalog: fmt.Catalog, items: list[Item], out: Reporter) -> None:
    """Formats 1 and 2: what the source document says against what the file lists, one
    count for the whole catalogue (kept as it was, so a pinned text warns as it did)."""
    declared = catalog.declared_items
    if declared is None:
        return
    quantitative = sum(1 for i in items if i.kind == "quantitative")
    qualitative = len(items) - quantitative
    said_quant, said_qual = catalog.declared_quantitative, catalog.declared_qualitative
    if said_quant is not None and said_qual is not None and said_quant + said_qual != declared:
        parts = said_quant + said_qual
        out.warn(
            "catalog",
            f"来源文件称定量 {said_quant} 项 + 定性 {said_qual} 项"
            f" = {parts} 项，但总数为 {declared} 项（相差 {declared - parts}）",
        )
    if declared != len(items):
        out.warn(
            "catalog",
            f"来源文件称共 {declared} 项，本文件列出 {len(items)} 项"
            f"（定量 {quantitative}、定性 {qualitative}）",
        )


# ---- components, ballot, ledger ----------------------------------------------------------


def _components(
    entries: list[fmt.ComponentEntry],
    categories: tuple[Category, ...],
    default_missing: str,
    out: Reporter,
) -> tuple[Component, ...]:
    category_ids = {c.id for c in categories}
    components = []
    for n, entry in enumerate(entries):
        where = f"components[{n}]"
        if entry.source == "items" and not entry.categories:
            out.add(f"{where}.categories", 'source = "items" 的组成部分必须列出所汇总的类别')
        for c in entry.categories if entry.source == "items" else ():
            if c not in category_ids:
                out.add(
                    f"{where}.categories",
                    f"未知类别 '{c}'；允许：{'、'.join(sorted(category_ids)) or '（无）'}",
                )
        if entry.source == "periods":
            _rolled_up(entry.periods, f"{where}.periods", out)
        elif entry.periods:
            out.add(f"{where}.periods", '只有 source = "periods" 的组成部分才汇总各期结果')
        components.append(
            Component(
                id=entry.id,
                label=_label(entry),
                weight=_d(entry.weight),
                source=entry.source,
                missing=entry.missing or default_missing,
                categories=tuple(entry.categories),
                periods=tuple(entry.periods),
            )
        )
    if components:
        total = sum((c.weight for c in components), Decimal(0))
        if total != HUNDRED:
            listed = " + ".join(f"{c.id} {c.weight}" for c in components)
            out.add("components", f"权重合计必须为 100%，实际为 {listed} = {total}%")
    _unique([c.id for c in components], "components", "组成部分", out)
    return tuple(components)


def _rolled_up(periods: list[str], where: str, out: Reporter) -> None:
    """A roll-up reads all the quarters or both half-years of a year, once each."""
    if sorted(periods) not in (["Q1", "Q2", "Q3", "Q4"], ["H1", "H2"]):
        shown = "、".join(periods) or "（无）"
        out.add(where, f"必须是一年的全部季度（Q1–Q4）或两个半年（H1、H2），各一次；实际为 {shown}")


def _ballot(raw: fmt.BallotTable, out: Reporter) -> Ballot:
    items = tuple(ScoringPoint(i.id, _label(i), _d(i.max), _points(i.points)) for i in raw.items)
    for n, item in enumerate(items):
        if item.points:
            _points_fit(item.points, item.max, f"ballot.items[{n}].points", out)
    groups = tuple(BallotGroup(g.id, _label(g), _d(g.weight), g.raters or "") for g in raw.groups)
    ballot = Ballot(
        max=_d(raw.max),
        trim=raw.trim,
        quorum=raw.quorum,
        items=items,
        groups=groups,
        masses_group=raw.masses_group or "",
        masses_min_share=_d(raw.masses_min_share),
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
    _masses(ballot, out)
    _unique([i.id for i in items], "ballot.items", "测评项目", out)
    # A ballot keys its scores by these ids: a point may not share an item's id.
    if any(i.points for i in items):
        _unique([f.id for f in ballot.accepted()], "ballot.items", "测评项目或采分点", out)
    _unique([g.id for g in groups], "ballot.groups", "评议群体", out)
    return ballot


def _masses(ballot: Ballot, out: Reporter) -> None:
    if not ballot.masses_group:
        return
    masses = next((g for g in ballot.groups if g.id == ballot.masses_group), None)
    if masses is None:
        out.add(
            "ballot.masses_group",
            f"未知评议群体 '{ballot.masses_group}'；允许：{'、'.join(g.id for g in ballot.groups)}",
        )
    elif masses.weight < ballot.masses_min_share:
        out.add(
            "ballot.masses_group",
            f"群众评价比例 {masses.weight}% 低于方案规定的下限 {ballot.masses_min_share}%",
        )


def _indicators(entries: list[fmt.IndicatorEntry], out: Reporter) -> tuple[LedgerIndicator, ...]:
    indicators = []
    for entry in entries:
        cap = _d(entry.max)
        indicators.append(
            LedgerIndicator(
                id=entry.id,
                label=_label(entry),
                max=cap,
                min_points=_d(entry.min_points)
                if entry.min_points is not None
                else (-cap if cap else Decimal(-100)),
                max_points=_d(entry.max_points),
                per_open_carried=_d(entry.per_open_carried),
            )
        )
    _unique([i.id for i in indicators], "ledger.indicators", "台账指标", out)
    return tuple(indicators)


def _sources_present(
    components: tuple[Component, ...],
    ballot: Ballot | None,
    indicators: tuple[LedgerIndicator, ...],
    out: Reporter,
) -> None:
    by_source = {c.source for c in components}
    if "ballots" in by_source and ballot is None:
        out.add("components", '有 source = "ballots" 的组成部分，却没有 [ballot] 表')
    if "ledger" in by_source and not indicators:
        out.add("components", '有 source = "ledger" 的组成部分，却没有 [[ledger.indicators]]')


# ---- grades, vetoes, distribution, tiers, ranking ----------------------------------------


def _grades(entries: list[fmt.GradeEntry], out: Reporter) -> tuple[Grade, ...]:
    grades = tuple(Grade(g.id, _label(g), _d(g.min)) for g in entries)
    mins = [g.min for g in grades]
    if grades and (mins != sorted(mins, reverse=True) or mins[-1] != 0):
        out.add(
            "grades",
            f"等次下限必须从高到低排列且最后一档为 0，实际为 {'、'.join(str(m) for m in mins)}",
        )
    _unique([g.id for g in grades], "grades", "等次", out)
    return grades


def _vetoes(
    entries: list[fmt.VetoEntry],
    grades: tuple[Grade, ...],
    indicators: tuple[LedgerIndicator, ...],
    out: Reporter,
) -> tuple[Veto, ...]:
    grade_ids = [g.id for g in grades]
    indicator_ids = {i.id for i in indicators}
    vetoes = []
    for n, entry in enumerate(entries):
        where = f"vetoes[{n}]"
        veto = Veto(entry.id, _label(entry), entry.effect, entry.grade, entry.auto_indicator or "")
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
    return tuple(vetoes)


def _quotas(
    entries: list[fmt.QuotaEntry], grades: tuple[Grade, ...], out: Reporter
) -> tuple[Quota, ...]:
    grade_ids = [g.id for g in grades]
    quotas = []
    for n, entry in enumerate(entries):
        where = f"distribution.quotas[{n}]"
        quota = Quota(tuple(entry.grades), _d(entry.max_share), entry.rounding)
        for g in quota.grades:
            if g not in grade_ids:
                out.add(f"{where}.grades", f"未知等次 '{g}'；允许：{'、'.join(grade_ids)}")
        if not quota.grades:
            out.add(f"{where}.grades", "必须列出受限的等次")
        quotas.append(quota)
    return tuple(quotas)


def _tiers(entries: list[fmt.TierEntry], out: Reporter) -> tuple[Tier, ...]:
    tiers = []
    for n, entry in enumerate(entries):
        if (entry.top_share is None) == (entry.min is None):
            out.add(f"tiers[{n}]", "档次必须且只能给出 top_share 或 min 之一")
        tiers.append(Tier(entry.id, _label(entry), _maybe(entry.top_share), _maybe(entry.min)))
    shares = [t.top_share for t in tiers if t.top_share is not None]
    if shares and (shares != sorted(shares) or shares[-1] != HUNDRED):
        out.add(
            "tiers",
            f"档次的 top_share 必须递增且最后为 100，实际为 {'、'.join(str(s) for s in shares)}",
        )
    return tuple(tiers)


def _tie_break(
    keys: list[str], components: tuple[Component, ...], out: Reporter
) -> tuple[str, ...]:
    component_ids = {c.id for c in components}
    for key in keys:
        kind, _, ref = str(key).partition(":")
        if kind != "component" or ref not in component_ids:
            out.add(
                "scoring.tie_break",
                f"'{key}' 不可用；允许：{'、'.join('component:' + c for c in sorted(component_ids))}",
            )
    return tuple(keys)


def _rectification(raw: fmt.Rectification, out: Reporter) -> tuple[int, tuple[Escalation, ...]]:
    steps = tuple(Escalation(e.after_days, e.measure) for e in raw.escalation)
    if [s.after_days for s in steps] != sorted(s.after_days for s in steps):
        out.add("rectification.escalation", "逐级督办必须按逾期天数从少到多排列")
    return raw.near_days, steps or DEFAULT_ESCALATIONS


# ---- results used (考用结合, format 3) -----------------------------------------------------


def _conversions(entries: list[fmt.ConversionEntry], out: Reporter) -> tuple[Conversion, ...]:
    conversions = []
    for n, entry in enumerate(entries):
        table = tuple((str(k), _d(v)) for k, v in entry.by_category.items())
        if not table:
            out.add(f"conversions[{n}].by_category", "必须给出至少一个单位类别及其折算分值")
        for category, points in table:
            if points <= 0:
                out.add(
                    f"conversions[{n}].by_category.{category}",
                    f"折算分值必须大于 0，实际为 {points}",
                )
        conversions.append(Conversion(entry.id, _label(entry), table, _d(entry.precision)))
    _unique([c.id for c in conversions], "conversions", "折算标识", out)
    return tuple(conversions)


def _consequences(
    entries: list[fmt.ConsequenceEntry],
    grades: tuple[Grade, ...],
    tiers: tuple[Tier, ...],
    conversions: tuple[Conversion, ...],
    out: Reporter,
) -> tuple[Consequence, ...]:
    known = {
        "grades": [g.id for g in grades],
        "tiers": [t.id for t in tiers],
        "conversion": [c.id for c in conversions],
    }
    consequences = []
    for n, e in enumerate(entries):
        where = f"consequences[{n}]"
        for key, ids in (("grades", e.grades), ("tiers", e.tiers)):
            for ref in ids:
                if ref not in known[key]:
                    allowed = "、".join(known[key]) or "（无）"
                    out.add(f"{where}.{key}", f"未知{_WORD[key]} '{ref}'；允许：{allowed}")
        if e.conversion is not None and e.conversion not in known["conversion"]:
            allowed = "、".join(known["conversion"]) or "（无）"
            out.add(f"{where}.conversion", f"未知折算 '{e.conversion}'；允许：{allowed}")
        if (e.min is not None or e.below is not None) and e.conversion is None:
            out.add(f"{where}.{'min' if e.min is not None else 'below'}", "须同时给出 conversion")
        if e.conversion is not None and e.min is None and e.below is None:
            out.add(f"{where}.conversion", "须同时给出 min 或 below（折算分的界限）")
        for key in ("bottom", "top"):
            places = getattr(e, key)
            if places is not None and places < 1:
                # 0 places would be a condition that never holds: the rule silently void.
                out.add(f"{where}.{key}", f"必须是至少 1 的整数（名次数），实际为 {places}")
        if not (e.grades or e.tiers or e.bottom is not None or e.top is not None or e.conversion):
            out.add(where, "必须给出条件：grades、tiers、bottom、top 或 conversion 之一")
        consequences.append(
            Consequence(
                e.id,
                _label(e),
                tuple(e.grades),
                tuple(e.tiers),
                e.bottom,
                e.top,
                e.conversion or "",
                _maybe(e.min),
                _maybe(e.below),
                e.years,
                _maybe(e.amount),
            )
        )
    _unique([c.id for c in consequences], "consequences", "结果运用标识", out)
    return tuple(consequences)


_WORD = {"grades": "等次", "tiers": "档次"}
# ---- sub-stages that bind (format 3) ----------------------------------------------------

_RECORD_KINDS = {
    "scores": "组成部分",
    "ballots": "测评组",
    "findings": "",
    "vetoes": "",
    "not_applicable": "",
    "steps": "单位步骤",
}


def _substages(file: fmt.SchemeFile) -> list[tuple[int, int, fmt.Substage]]:
    """Every sub-stage with its place; a workflow whose stages the check could not read
    as a list (its problem already reported) has none."""
    stages = file.workflow.stages if isinstance(file.workflow.stages, list) else []
    return [
        (n, m, sub)
        for n, stage in enumerate(stages)
        if isinstance(stage, fmt.StageEntry) and isinstance(stage.substages, list)
        for m, sub in enumerate(stage.substages)
        if isinstance(sub, fmt.Substage)
    ]


def _substage_records(
    file: fmt.SchemeFile, components: tuple[Component, ...], ballot: Ballot | None, out: Reporter
) -> None:
    """Each ``records`` entry names a fact kind, and its qualifier a ballot group (for
    ballots) or an items component (for scores) of this scheme."""
    groups = [g.id for g in ballot.groups] if ballot is not None else []
    items = [c.id for c in components if c.source == "items"]
    for n, m, sub in _substages(file):
        for k, entry in enumerate(sub.records or []):
            where = f"workflow.stages[{n}].substages[{m}].records[{k}]"
            kind, _, detail = entry.partition(":")
            steps = [s.id for s in file.unit_steps]
            known = {"scores": items, "ballots": groups, "steps": steps}.get(kind)
            if detail and known is None:
                out.add(
                    where, f"'{kind}' 不能再加限定（:{detail}）；只有 scores、ballots 和 steps 可以"
                )
            elif detail and detail not in known:
                what = _RECORD_KINDS[kind]
                out.add(where, f"未知{what} '{detail}'；允许：{'、'.join(known) or '（无）'}")
