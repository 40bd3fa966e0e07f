"""``pdca scheme import 细则.xlsx``: a 考核细则 as a catalogue sheet → a scheme file.

The accepted layout is documented in ``docs/细则导入.md``: one row per 评分项 with its
category (and area), maximum, rule and the rule's figures, its 采分点 and opinions.
What a catalogue sheet cannot say — the stages, the components' weights, the ballot,
the ledger, grades — is written as a plain default and listed as a gap for the admin
to finish by hand. The text written is checked by the scheme parser before it is
written: a file ``scheme validate`` refuses is never written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pdca.application.sheet_files import Sheet, column_letter
from pdca.errors import RuleViolation, SchemeInvalid, one_of

#: header → key; a header may be written with a note after it on a new line.
HEADERS = {
    "重点": "area",
    "重点ID": "area_id",
    "类别": "category",
    "类别ID": "category_id",
    "评分项": "item",
    "评分项ID": "item_id",
    "分值": "max",
    "类型": "kind",
    "计分规则": "rule",
    "应达次数": "required",
    "每次分值": "per",
    "达标线": "threshold",
    "档宽": "band",
    "意见": "opinions",
    "采分点": "points",
    "评分要点": "notes",
}
RULES = {
    "直接计分": "direct",
    "按次扣分": "per_occurrence",
    "按档扣分": "banded",
    "与第一名之比": "ratio_to_best",
    "按意见计分": "opinion",
}
KINDS = {"定量": "quantitative", "定性": "qualitative", "未说明": "unstated"}
_ID = re.compile(r"[a-z][a-z0-9_]{0,39}", re.ASCII)
_SPLIT = re.compile(r"[；;\n]+")


@dataclass
class Catalogue:
    areas: dict[str, str] = field(default_factory=dict)  # id → label
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    items: int = 0


def scheme_text(sheets: list[Sheet], scheme_id: str, name: str) -> tuple[str, Catalogue]:
    """The scheme file's text and what was read (its gaps and problems)."""
    if not _ID.fullmatch(scheme_id):
        raise RuleViolation(f"方案 ID '{scheme_id}' 不可用；应为小写字母开头的字母、数字、下划线")
    catalogue = Catalogue()
    found = False
    for sheet in sheets:
        if _read(sheet, catalogue):
            found = True
    if not found:
        raise RuleViolation(
            f"没有找到细则表：需要一页表头含 {one_of(['类别', '评分项', '分值'])} 的工作表（见 docs/细则导入.md）"
        )
    if catalogue.problems:
        from pdca.application.importing import ImportRefused

        raise ImportRefused(
            f"细则表有 {len(catalogue.problems)} 处问题，未生成方案：", catalogue.problems
        )
    text = _toml(catalogue, scheme_id, name)
    from pdca.rules.schemes import parse

    try:
        parse(text, origin=f"{scheme_id}.toml")
    except SchemeInvalid as exc:  # the sheet said something the format refuses
        raise RuleViolation(f"生成的方案未通过校验：{exc}") from None
    catalogue.gaps += [
        "阶段与触发器：写入了默认的 计划→执行→督查→处理→已结束，请按方案修改",
        "组成部分：全部类别归入一个“指标体系”组成部分（权重 100）；测评票、台账、任务清单的权重请补上",
        "等次、档次、否决、结果运用：细则表没有，未写入",
    ]
    return text, catalogue


def _read(sheet: Sheet, catalogue: Catalogue) -> bool:
    header_at = next(
        (
            n
            for n, row in enumerate(sheet.rows[:5])
            if {"类别", "评分项", "分值"} <= {_head(c) for c in row.cells}
        ),
        None,
    )
    if header_at is None:
        return False
    keys = [HEADERS.get(_head(c) or "") for c in sheet.rows[header_at].cells]
    where = sheet.where
    area_ids: dict[str, str] = {}
    for row in sheet.rows[header_at + 1 :]:
        cells = {
            k: (column_letter(i), row.cells[i])
            for i, k in enumerate(keys)
            if k and i < len(row.cells)
        }

        def text(key: str, cells: dict[str, tuple[str, Any]] = cells) -> str:
            value = cells.get(key, ("", None))[1]
            if isinstance(value, Decimal):
                return str(value.normalize()) if value == value.to_integral_value() else str(value)
            return "" if value is None else str(value).strip()

        def problem(key: str, message: str, row: Any = row, cells: dict = cells) -> None:
            letter = cells.get(key, ("?", None))[0]
            catalogue.problems.append(f"{where} 第 {row.number} 行 {letter} 列（{key}）：{message}")

        if not text("item") and not text("category"):
            continue
        # The category: its id given, or the next one; its area likewise.
        category_label = text("category")
        if not category_label:
            problem("category", "类别不能为空")
            continue
        category_id = text("category_id") or _known_id(catalogue, category_label)
        if not category_id:
            category_id = f"c{len(catalogue.categories) + 1:02d}"
        if not _ID.fullmatch(category_id):
            problem(
                "category_id",
                f"类别 ID '{category_id}' 不可用；应为小写字母开头的字母、数字、下划线",
            )
            continue
        area_label = text("area")
        area_id = ""
        if area_label:
            area_id = text("area_id") or area_ids.get(area_label) or f"a{len(catalogue.areas) + 1}"
            area_ids[area_label] = area_id
            catalogue.areas.setdefault(area_id, area_label)
        category = catalogue.categories.setdefault(
            category_id, {"label": category_label, "area": area_id, "items": []}
        )
        item = {"id": text("item_id") or f"{category_id}_{len(category['items']) + 1:02d}"}
        item["label"] = text("item")
        if not item["label"]:
            problem("item", "评分项不能为空")
            continue
        if not _ID.fullmatch(item["id"]):
            problem("item_id", f"评分项 ID '{item['id']}' 不可用")
            continue
        for key in ("max", "required", "per", "threshold", "band"):
            if text(key):
                try:
                    item[key] = str(Decimal(text(key)))
                except InvalidOperation:
                    problem(key, f"'{text(key)}' 不是数值")
        if "max" not in item:
            problem("max", "分值不能为空")
            continue
        rule = text("rule") or "直接计分"
        item["rule"] = RULES.get(rule, rule)
        if item["rule"] not in RULES.values():
            problem("rule", f"未知计分规则 '{rule}'；允许：{one_of(RULES)}")
            continue
        kind = text("kind")
        item["kind"] = KINDS.get(kind, kind) if kind else "quantitative"
        if item["kind"] not in KINDS.values():
            problem("kind", f"未知类型 '{kind}'；允许：{one_of(KINDS)}")
            continue
        if not kind:
            catalogue.gaps.append(f"{where} 第 {row.number} 行 {item['id']}：未写类型，按定量")
        for need in {"per_occurrence": ("required", "per"), "banded": ("per",)}.get(
            item["rule"], ()
        ):
            if need not in item:
                problem(need, f"计分规则 {rule} 需要 {need}")
        if text("opinions"):
            item["opinions"] = _pairs(text("opinions"), "=", problem, "opinions")
        elif item["rule"] == "opinion":
            problem("opinions", "按意见计分须写意见及分值，如 好=20；较好=15")
        if text("points"):
            item["points"] = [
                {"id": f"p{n}", "label": label, "max": value}
                for n, (label, value) in enumerate(
                    _pairs(text("points"), ":", problem, "points").items(), 1
                )
            ]
        if text("notes"):
            item["notes"] = text("notes")
        catalogue.items += 1
        category["items"].append(item)
    return True


def _known_id(catalogue: Catalogue, label: str) -> str:
    return next((cid for cid, c in catalogue.categories.items() if c["label"] == label), "")


def _head(cell: Any) -> str | None:
    return cell.split("\n")[0].strip() if isinstance(cell, str) else None


def _pairs(text: str, sep: str, problem: Any, key: str) -> dict[str, str]:
    """``好=20；较好=15`` → ``{"好": "20", "较好": "15"}`` (``：`` and ``:`` alike)."""
    pairs: dict[str, str] = {}
    for part in _SPLIT.split(text.replace("：", ":")):
        if not part.strip():
            continue
        word, _, value = part.rpartition(sep)
        try:
            pairs[word.strip()] = str(Decimal(value.strip()))
        except InvalidOperation:
            problem(key, f"'{part.strip()}' 应写成 名称{sep}分值")
    return pairs


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def _toml(catalogue: Catalogue, scheme_id: str, name: str) -> str:
    out = [
        "format = 3",
        "# 由 pdca scheme import 从细则表生成；阶段、组成部分权重、等次等请按方案补全。",
        "",
        "[scheme]",
        f"id = {_s(scheme_id)}",
        'version = "1"',
        f"name = {_s(name)}",
        "",
        "[workflow]",
        'initial = "plan"',
    ]
    stages = [
        ("plan", "计划"),
        ("do", "执行"),
        ("check", "督查"),
        ("act", "处理"),
        ("closed", "已结束"),
    ]
    for sid, label in stages:
        out += ["", "[[workflow.stages]]", f"id = {_s(sid)}", f"label = {_s(label)}"]
    for (name_, src), (dest, _) in zip(
        [("start_do", "plan"), ("start_check", "do"), ("start_act", "check"), ("close", "act")],
        stages[1:],
        strict=True,
    ):
        out += [
            "",
            "[[workflow.triggers]]",
            f"name = {_s(name_)}",
            f"source = {_s(src)}",
            f"dest = {_s(dest)}",
        ]
    out += ["", "[scoring]", 'scale = "100"', 'precision = "0.01"', 'missing = "zero"']
    out += [
        "",
        "[[components]]",
        'id = "items"',
        'label = "指标体系"',
        'weight = "100"',
        'source = "items"',
    ]
    out.append("categories = [" + ", ".join(_s(c) for c in catalogue.categories) + "]")
    for aid, label in catalogue.areas.items():
        out += ["", "[[catalog.areas]]", f"id = {_s(aid)}", f"label = {_s(label)}"]
    for cid, category in catalogue.categories.items():
        out += ["", "[[catalog.categories]]", f"id = {_s(cid)}", f"label = {_s(category['label'])}"]
        if category["area"]:
            out.append(f"area = {_s(category['area'])}")
        for item in category["items"]:
            out += ["", "[[catalog.categories.items]]"]
            if "notes" in item:
                out.append(f"# 评分要点：{item['notes']}".replace("\n", " "))
            for key in (
                "id",
                "label",
                "max",
                "kind",
                "rule",
                "required",
                "per",
                "threshold",
                "band",
            ):
                if key in item:
                    out.append(f"{key} = {_s(item[key])}")
            if "opinions" in item:
                listed = ", ".join(f"{_s(w)} = {_s(p)}" for w, p in item["opinions"].items())
                out.append(f"opinions = {{ {listed} }}")
            for point in item.get("points", ()):
                out += ["", "[[catalog.categories.items.points]]"]
                out += [f"{k} = {_s(point[k])}" for k in ("id", "label", "max")]
    return "\n".join(out) + "\n"
