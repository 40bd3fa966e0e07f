"""The round report (考核结果报告): the ranking table and the charts a committee puts on
the wall, as one HTML file.

Every figure comes from the application's readers: the scores export table (itself
the scores projection), the pinned scheme's quotas with ``ranking.headcount``, the
整改月报 of each month, and the 秋后算账 moves (``settlement``). Nothing is scored here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from pdca.reports import charts
from pdca.reports import html as h
from pdca.reports.tables import NotScored, Table, scores_table

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication

STEPS = 6  # the report's sections, for the progress bar
TOP_MOVES = 15
RANKING_NOTE = (
    "名次、总分、等次、档次为定稿发布的结果（未定稿的周期名次为空、总分为当前得分）；"
    "分项为各分项的折算分，按方案精度四舍五入显示；当前得分为按今日事实的得分；"
    "尚有缺项、不能计分的周期总分为“—”并注明原因；一票否决注明事件号、记录人、记录与查实时间及证据。"
    "每个方案一张表，同一方案内按单位类别分组；链头摘要只显示前 12 位（完整值见成绩导出）；"
    "打印时略去片区、阶段、发布时事件号与链头摘要。"
)
#: The ranking's columns in the report, the published outcome first so it is seen
#: without scrolling; then each component, the adjustments and the rest.
FIRST = ("rank", "unit", "category", "total", "grade", "tier", "veto")
LAST = (
    "bonus",
    "deduction",
    "current_total",
    "stage",
    "grid",
    "published_head",
    "published_digest",
)
WIDE = frozenset({"stage", "grid", "published_head", "published_digest"})


def build(app: PdcaApplication, period: str, today: date, done: Callable[[int], None]) -> str:
    """The page; ``done(n)`` is called as each of the ``STEPS`` sections is ready."""
    table = scores_table(app, period)
    parts: list[tuple[str, str, Callable[[], str]]] = [
        ("ranking", "排名", lambda: _ranking(table)),
        ("distribution", "各类别得分分布", lambda: _distribution(table)),
        ("breakdown", "各单位分项得分构成", lambda: _breakdown(table)),
        ("grades", "等次、档次与配额", lambda: _grades(app, period, table)),
        ("closeout", "整改销号进度（按月）", lambda: _closeout(app, period, today)),
        ("moves", "秋后算账后名次变化最大的单位", lambda: _moves(app, period)),
    ]
    sections = []
    for n, (anchor, heading, make) in enumerate(parts, start=1):
        sections.append((anchor, heading, make()))
        done(n)
    from pdca.reports import check_code

    return h.page(
        f"{period} 机关党建绩效考核结果报告",
        f"排名、等次、档次与整改数据来自 scores、rectifications 投影；秋后算账的名次对比由同一计分函数"
        f"按各周期的事件历史算出；逾期按 {today} 计算。{check_code.text(app)}",
        sections,
    )


def _by_scheme(table: Table) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in table.rows:
        groups.setdefault(row["scheme"], []).append(row)
    return groups


def _ranking(table: Table) -> str:
    """One ranking table per scheme, its cells the scores export's."""
    by_key = {c.key: c for c in table.columns}
    parts = []
    for scheme, rows in _by_scheme(table).items():
        components = [
            c
            for c in table.columns
            if c.key.startswith("component.") and any(r.get(c.key) is not None for r in rows)
        ]
        columns = [by_key[k] for k in FIRST] + components + [by_key[k] for k in LAST]
        if "results_used" in by_key:
            columns.insert(len(FIRST), by_key["results_used"])
        parts.append(f"<h3>{escape(scheme)}（{len(rows)} 个单位）</h3>")
        parts.append(
            h.columns_table(
                columns,
                rows,
                wide=WIDE,
                long=frozenset({"veto", "results_used"}),
                marked=frozenset({"total", "grade", "tier"}),
            )
        )
    return "".join(parts) + h.note(RANKING_NOTE)


def _unscored(rows: list[dict[str, Any]]) -> str:
    """A note naming the units left out of a chart because they have no score yet."""
    left_out = [r["unit"] for r in rows if isinstance(r["total"], NotScored)]
    if not left_out:
        return ""
    return h.note(
        f"尚不能计分、未画出的单位（{len(left_out)} 个）：{'、'.join(left_out)}；原因见排名表。"
    )


def _distribution(table: Table) -> str:
    groups: dict[str, list[Decimal]] = {}
    for row in table.rows:
        if not isinstance(row["total"], NotScored):
            groups.setdefault(row["category"] or "（未分类）", []).append(row["total"])
    if not groups:
        return h.note("还没有可以计分的单位。") + _unscored(table.rows)
    svg = charts.distribution(groups, "总分分布（按单位类别）")
    rows = [[c, len(v), min(v), max(v)] for c, v in groups.items()]
    return (
        h.figure(svg, "每个点是一个单位的总分；箱体为四分位。")
        + h.table(["类别", "单位数", "最低分", "最高分"], rows, [False, True, True, True])
        + _unscored(table.rows)
    )


def _breakdown(table: Table) -> str:
    parts = []
    for scheme, everyone in _by_scheme(table).items():
        rows = [r for r in everyone if not isinstance(r["total"], NotScored)]
        if not rows:
            parts.append(f"<h3>{escape(scheme)}</h3>" + _unscored(everyone))
            continue
        keys = [
            c
            for c in table.columns
            if c.key.startswith("component.") and rows[0].get(c.key) is not None
        ]
        series = {c.header: [r.get(c.key) for r in rows] for c in keys}
        series["加分"] = [r["bonus"] for r in rows]
        units = [f"{r['rank'] or '—'} {r['unit']}" for r in rows]
        parts.append(f"<h3>{escape(scheme)}</h3>")
        parts.append(
            h.figure(
                charts.breakdown(units, series, f"{scheme}：分项折算分"),
                "按名次排列；扣分未画出，见排名表。",
            )
        )
        parts.append(_unscored(everyone))
    return "".join(parts)


def _grades(app: PdcaApplication, period: str, table: Table) -> str:
    from pdca.rules import ranking

    parts = []
    for scheme_ref, rows in _by_scheme(table).items():
        rules = app.scheme_of(app.get_cycle(f"{rows[0]['unit']}/{period}")).rules
        placed = [r for r in rows if r["rank"] is not None]
        parts.append(f"<h3>{escape(scheme_ref)}（已定稿 {len(placed)} 个单位）</h3>")
        if rules.grades:
            labels = [g.id for g in rules.grades]
            found = Counter(r["grade"] for r in placed)
            scopes = Counter(
                r["category"] if rules.distribution_scope == "category" else "" for r in placed
            )
            caps = []
            for q in rules.quotas:
                allowed = sum(
                    ranking.headcount(n, q.max_share, q.rounding) for n in scopes.values()
                )
                caps.append(
                    (
                        list(q.grades),
                        allowed,
                        f"上限 {allowed}（{'、'.join(q.grades)} ≤ {q.max_share}%）",
                    )
                )
            parts.append(
                h.figure(
                    charts.counts(labels, [found[g] for g in labels], "等次", caps),
                    "虚线为强制分布配额的上限。" if caps else "方案未设强制分布配额。",
                )
            )
            rows_ = [[g, found[g], next((c[2] for c in caps if g in c[0]), "")] for g in labels]
            parts.append(h.table(["等次", "单位数", "配额"], rows_, [False, True, False]))
        if rules.tiers:
            labels = [t.label for t in rules.tiers]
            found = Counter(r["tier"] for r in placed)
            caps = _tier_caps(rules, placed, ranking)
            parts.append(
                h.figure(
                    charts.counts(labels, [found[t] for t in labels], "档次", caps),
                    "虚线为按名次比例划定的名额（并列同名次者同档）。",
                )
            )
            rows_ = [[t, found[t], next((c[2] for c in caps if t in c[0]), "")] for t in labels]
            parts.append(h.table(["档次", "单位数", "名额"], rows_, [False, True, False]))
        if not rules.grades and not rules.tiers:
            parts.append(h.note("方案未设等次与档次。"))
    return "".join(parts)


def _tier_caps(
    rules: Any, placed: list[dict[str, Any]], ranking: Any
) -> list[tuple[list[str], int, str]]:
    """A rank-share tier holds the ranks between the previous share's headcount and its own
    (``ranking`` places tiers so, per ranking scope)."""
    scopes = Counter(r["category"] if rules.rank_by == "category" else "" for r in placed)
    caps, previous = [], Decimal(0)
    for tier in rules.tiers:
        if tier.top_share is None:
            continue
        allowed = sum(
            ranking.headcount(n, tier.top_share, "half_up")
            - ranking.headcount(n, previous, "half_up")
            for n in scopes.values()
        )
        caps.append(([tier.label], allowed, f"名额 {allowed}（前 {previous}%–{tier.top_share}%）"))
        previous = tier.top_share
    return caps


def _months(first: date, last: date) -> list[str]:
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month) and len(months) < 36:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _closeout(app: PdcaApplication, period: str, today: date) -> str:
    from pdca.reports.tables import rectifications_table

    items = rectifications_table(app, period, today).rows
    if not items:
        return h.note(f"{period} 没有交办整改事项。")
    dates = [d for r in items for d in (r["ordered_on"], r["closed_on"], r["due"]) if d]
    months = _months(min(r["ordered_on"] for r in items), min(max(dates), max(today, min(dates))))
    keys = {
        "ordered": "累计交办",
        "closed_total": "累计销号",
        "open": "月末未销号",
        "overdue": "月末逾期",
    }
    series: dict[str, list[int]] = {label: [] for label in keys.values()}
    rows = []
    for month in months:
        bulletin = app.rectification_bulletin(month, period)
        sums = {k: sum(u[k] for u in bulletin) for k in (*keys, "opened", "closed")}
        for k, label in keys.items():
            series[label].append(sums[k])
        rows.append([month, sums["opened"], sums["closed"], *(sums[k] for k in keys)])
    svg = charts.closeout(months, series, f"{period} 整改事项：交办与销号")
    headers = ["月份", "本月交办", "本月销号", *keys.values()]
    marks = ["", "", "", "", "", "", "overdue"]  # overdue is red, as everywhere
    return h.figure(svg, "来自各月整改月报（pdca rectify bulletin）；逾期为红色。") + h.table(
        headers, rows, [False] + [True] * 6, marks
    )


def _moves(app: PdcaApplication, period: str) -> str:
    moved = [m for m in app.ledger_moves(period) if m["rank_change"]][:TOP_MOVES]
    explain = (
        "“不计台账”为只按年终考核（各周期去掉平时暗访、督查等台账发现后）用同一计分函数排出的名次，"
        "“计入台账”为计入全部台账发现后的名次（即定稿的算法）；名次变化为负数表示名次下降（红色），"
        "正数表示上升（绿色）。"
    )
    if not moved:
        return h.note("台账没有改变任何单位的名次。" + explain)
    svg = charts.moves(
        [f"{m['unit']}（{m['scheme']}）" for m in moved],
        [m["rank_change"] for m in moved],
        "名次变化",
    )
    headers = [
        "单位",
        "方案",
        "类别",
        "台账发现",
        "不计台账总分",
        "不计台账名次",
        "不计台账档次",
        "计入台账总分",
        "计入台账名次",
        "计入台账档次",
        "名次变化",
    ]
    rows = [
        [
            m["unit"],
            m["scheme"],
            m["category"],
            m["findings"],
            m["total_before"],
            m["rank_before"],
            m["tier_before"],
            m["total_after"],
            m["rank_after"],
            m["tier_after"],
            f"{m['rank_change']:+d}",
        ]
        for m in moved
    ]
    numeric = [False, False, False, True, True, True, False, True, True, False, True]
    return h.figure(svg, explain) + h.table(headers, rows, numeric)
