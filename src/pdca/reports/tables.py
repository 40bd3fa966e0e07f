"""What a committee puts in a 通报: the columns and rows of the scores, ledger and
rectification exports, read from the projections and nothing else.

One definition serves every output: xlsx, csv and json (``export_files``), the
``ranking`` and ``ledger`` commands' JSON, and the round report's table. A column has a
stable English key (the JSON key) and a Chinese header (spreadsheets). Values stay
typed: ``Decimal`` at the scheme's precision, ``int``, ``date``, ``bool``, ``str`` or
``None``; each writer decides how to spell them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pdca.application.clock import spelled
from pdca.errors import NotFound

if TYPE_CHECKING:
    from pdca.application.service import PdcaApplication

KINDS = ("scores", "ledger", "rectifications")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | number | integer | date | flag


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    #: The 校验码 line an xlsx file carries on a sheet of its own (``reports.check_code``).
    check_code: str | None = None

    def values(self, row: dict[str, Any]) -> list[Any]:
        return [row.get(c.key) for c in self.columns]


# ---- scores: the ranking of a period --------------------------------------------------

#: The keys of ``pdca ranking --json``: a subset of the scores export's.
RANKING_KEYS = (
    "unit",
    "category",
    "total",
    "grade",
    "rank",
    "tier",
    "scheme",
    "current_total",
    "veto",
)
_SCORE_HEAD = (
    Column("rank", "名次", "integer"),
    Column("unit", "单位"),
    Column("category", "类别"),
    Column("grid", "片区"),
    Column("scheme", "方案"),
    Column("stage", "阶段"),
)
_SCORE_TAIL = (
    Column("bonus", "加分", "number"),
    Column("deduction", "扣分", "number"),
    Column("veto", "一票否决"),
    Column("total", "总分", "number"),
    Column("grade", "等次"),
    Column("tier", "档次"),
    Column("current_total", "当前得分", "number"),
    Column("published_head", "发布时事件号", "integer"),
    Column("published_digest", "链头摘要"),
)


@dataclass(frozen=True)
class NotScored:
    """A total that cannot be scored yet, as a cell: null in JSON, "—" with the reason
    in tables, spreadsheets and the report — never a number."""

    reason: str

    def __str__(self) -> str:
        return f"—（{self.reason}）"


def ranked(
    rows: Iterable[dict[str, Any]],
    scheme_id: str | None = None,
    categories: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Rows of the scores projection under a scoring scheme, in ranking order: by scheme,
    then by unit category (as a 通报 lists them; a scheme ranking per category has a 1st
    in each) in the order of ``categories`` (the workspace's); the published ranks first,
    then the units not yet published by their current total, then those that cannot be
    scored yet."""
    place = {c: n for n, c in enumerate(categories)}

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        category = r["category"] or ""
        group = (r["scheme_id"], place.get(category, len(place)), category)
        if r["rank"] is not None:
            return (*group, 0, r["rank"], r["unit"])
        if r["total"] is None:
            return (*group, 2, 0, r["unit"])
        return (*group, 1, -Decimal(r["total"]), r["unit"])

    chosen = [
        r
        for r in rows
        if r["components"] is not None and (not scheme_id or r["scheme_id"] == scheme_id)
    ]
    return sorted(chosen, key=key)


def _at(value: str | None, precision: Decimal) -> Decimal | None:
    if value is None:
        return None
    from pdca.rules.scoring import round_half_up

    return round_half_up(Decimal(value), precision)


def veto_text(v: dict[str, Any]) -> str:
    """One veto with the facts behind it (``scoring.AppliedVeto.to_json``), for a cell."""
    recorded = f"{v['actor']} 记录于 {spelled(v['recorded_at'])}"
    finding = v.get("finding")
    if finding:
        observed = f"，发现于 {v['observed_on']}" if v["observed_on"] else ""
        return (
            f"{v['label']}：{v['effect']}（由台账发现 #{v['position']} 自动触发："
            f"{finding['source']}，指标 {finding['indicator']}，{recorded}{observed}；"
            f"证据：{v['evidence']}）"
        )
    observed = f"，查实于 {v['observed_on']}" if v["observed_on"] else ""
    return (
        f"{v['label']}：{v['effect']}（事件 #{v['position']}，{recorded}{observed}；"
        f"理由：{v['reason']}；证据：{v['evidence']}）"
    )


def score_row(r: dict[str, Any], stage_label: str = "") -> dict[str, Any]:
    """One scores-projection row as the export's row (components keyed by label)."""
    import json

    precision = Decimal(r["precision"])
    published = r["rank"] is not None
    current: Decimal | NotScored = (
        NotScored(r["refused"] or "尚不能计分") if r["total"] is None else Decimal(r["total"])
    )
    vetoes = json.loads(r["veto_facts"] or "[]")
    row: dict[str, Any] = {
        "rank": r["rank"],
        "unit": r["unit"],
        "category": r["category"],
        "grid": r["grid"],
        "scheme": r["scheme"],
        "stage": stage_label or r["stage"],
        "bonus": _at(r["bonus"], precision),
        "deduction": _at(r["deduction"], precision),
        # Each veto with its event, who, when recorded and observed, and its evidence.
        "veto": "；".join(veto_text(v) for v in vetoes) or None,
        "total": Decimal(r["published_total"]) if published else current,
        "grade": r["grade"],
        "tier": r["tier"],
        "current_total": current,
        "published_head": r["published_head"],
        # Added by the tamper-evidence chain; blank until that column exists.
        "published_digest": r.get("published_digest"),
    }
    for c in json.loads(r["components"] or "[]"):
        row[f"component.{c['label']}"] = _at(c["weighted"], precision)
    return row


def scores_table(app: PdcaApplication, period: str, scheme_id: str | None = None) -> Table:
    rows = ranked(_require(app.scores_of(period), period), scheme_id, app.workspace.categories)
    components: dict[str, Column] = {}
    out = []
    for r in rows:
        row = score_row(r, app.stage_label(r["scheme"], r["stage"]))
        for key in row:
            if key.startswith("component.") and key not in components:
                components[key] = Column(key, f"{key.partition('.')[2]}（折算）", "number")
        out.append(row)
    columns = (*_SCORE_HEAD, *components.values(), *_SCORE_TAIL)
    used = app.results_used(period)
    if used:
        # Only a round whose scheme uses results (format 3) adds the column, so exports
        # of other rounds read as before.
        for row in out:
            record = used.get(f"{row['unit']}/{period}")
            row["results_used"] = results_used_text(record) if record else None
        columns = (*columns, RESULTS_USED)
    return Table(f"{period} 考核结果", columns, out)


#: What the published result brings (考用结合), recorded with the round's finalisation.
RESULTS_USED = Column("results_used", "结果运用")


def results_used_text(record: dict[str, Any]) -> str | None:
    """A unit's conversions and consequences for a cell: 「绩效奖金三档（-3000）；
    连续两年绩效奖金三档（2023、2024）；折算绩效考评分 2.760（满分 3）」."""
    parts = []
    for c in record["consequences"]:
        detail = [c["amount"]] if "amount" in c else []
        if len(c.get("periods", ())) > 1:
            detail.append("、".join(c["periods"]))
        parts.append(f"{c['label']}（{'；'.join(detail)}）" if detail else c["label"])
    for c in record["conversions"]:
        parts.append(f"{c['label']} {c['points']}（满分 {c['of']}）")
    if record.get("revised_by"):
        parts.append(f"因 {record['revised_by']} 重新定稿而修订")
    return "；".join(parts) or None


def ranking_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: None if isinstance(row[k], NotScored) else row[k] for k in RANKING_KEYS}


# ---- the 秋后算账 ledger -----------------------------------------------------------------

LEDGER_COLUMNS = (
    Column("cycle", "周期"),
    Column("unit", "单位"),
    Column("period", "考核期"),
    Column("position", "事件号", "integer"),
    Column("observed_on", "发现日期", "date"),
    Column("source", "来源"),
    Column("indicator", "指标"),
    Column("points", "分值", "number"),
    Column("recorded_points", "原记录分值", "number"),
    Column("status", "状态"),
    Column("actor", "记录人"),
    Column("recorded_at", "记录时间"),
    Column("applied", "已算账", "flag"),
    Column("applied_at", "算账时间"),
    Column("evidence", "证据"),
)


def ledger_row(r: dict[str, Any]) -> dict[str, Any]:
    row = {c.key: r.get(c.key) for c in LEDGER_COLUMNS}
    row["points"] = Decimal(r["points"])
    row["recorded_points"] = Decimal(r["recorded_points"])
    row["applied"] = r["applied_at"] is not None
    return row


def ledger_table(app: PdcaApplication, period: str) -> Table:
    _require(app.list_cycles(period), period)
    rows = [ledger_row(r) for r in app.ledger_of(period, None)]
    return Table(f"{period} 秋后算账台账", LEDGER_COLUMNS, rows)


# ---- rectifications (整改) ------------------------------------------------------------

RECTIFICATION_COLUMNS = (
    Column("id", "编号"),
    Column("cycle", "周期"),
    Column("unit", "单位"),
    Column("problem", "问题"),
    Column("owner", "责任人"),
    Column("finding", "来源发现事件号", "integer"),
    Column("ordered_on", "交办日期", "date"),
    Column("due", "期限", "date"),
    Column("status_label", "状态"),
    Column("reports", "进展报告数", "integer"),
    Column("rejected", "曾被退回", "flag"),
    Column("days_overdue", "逾期天数", "integer"),
    Column("colour", "督办颜色"),
    Column("escalation", "督办级别", "integer"),
    Column("measure", "督办措施"),
    Column("carried_to", "结转至"),
    Column("closed_on", "销号日期", "date"),
    Column("status", "状态代码"),
)


def rectifications_table(app: PdcaApplication, period: str, today: date) -> Table:
    from pdca.domain.rectification import STATUS_LABELS

    _require(app.list_cycles(period), period)
    rows = []
    for r in app.list_rectifications(today):
        if r["period"] != period:
            continue
        row = {c.key: r.get(c.key) for c in RECTIFICATION_COLUMNS}
        row.update(id=r["item_id"][:8], status_label=STATUS_LABELS[r["status"]])
        rows.append(row)
    return Table(f"{period} 整改事项（截至 {today}）", RECTIFICATION_COLUMNS, rows)


def table_of(
    app: PdcaApplication, kind: str, period: str, today: date, scheme_id: str | None = None
) -> Table:
    from pdca.domain.ids import check_period

    period = check_period(period)
    if kind == "scores":
        return scores_table(app, period, scheme_id)
    if kind == "ledger":
        return ledger_table(app, period)
    return rectifications_table(app, period, today)


def _require(rows: list[dict[str, Any]], period: str) -> list[dict[str, Any]]:
    if not rows:
        raise NotFound(f"考核期 {period} 没有任何周期；pdca cycle list 查看已有周期")
    return rows
