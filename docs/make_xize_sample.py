"""Build ``docs/细则-甘肃.xlsx``, the sample 考核细则 sheet ``pdca scheme import`` reads,
from ``workflows/gansu.toml``'s catalogue (4 重点 → 16 类 → 71 条, and the two 平时考核
items). Run from the repository: ``python docs/make_xize_sample.py``."""

from __future__ import annotations

import tomllib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parents[1]
RULES = {
    "direct": "直接计分",
    "per_occurrence": "按次扣分",
    "banded": "按档扣分",
    "ratio_to_best": "与第一名之比",
    "opinion": "按意见计分",
}
KINDS = {"quantitative": "定量", "qualitative": "定性", "unstated": "未说明"}
HEADERS = [
    "重点", "重点ID", "类别", "类别ID", "评分项", "评分项ID", "分值", "类型", "计分规则",
    "应达次数", "每次分值", "达标线", "档宽", "意见", "采分点", "评分要点",
]  # fmt: skip


def main() -> None:
    scheme = tomllib.loads((ROOT / "workflows" / "gansu.toml").read_text(encoding="utf-8"))
    areas = {a["id"]: a["label"] for a in scheme["catalog"]["areas"]}
    book = Workbook()
    sheet = book.active
    sheet.title = "考核细则"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for category in scheme["catalog"]["categories"]:
        area = category.get("area", "")
        for item in category["items"]:
            opinions = "；".join(f"{w}={p}" for w, p in item.get("opinions", {}).items())
            points = "；".join(f"{p['label']}:{p['max']}" for p in item.get("points", []))
            sheet.append(
                [
                    areas.get(area, ""), area, category["label"], category["id"], item["label"],
                    item["id"], item["max"], KINDS[item.get("kind", "quantitative")],
                    RULES[item.get("rule", "direct")], item.get("required"), item.get("per"),
                    item.get("threshold") if item.get("rule") == "banded" else None,
                    item.get("band") if item.get("rule") == "banded" else None,
                    opinions or None, points or None, None,
                ]
            )  # fmt: skip
    for letter, width in zip("ABCDEFGHIJKLMNOP", [14, 16, 18, 22, 40, 22], strict=False):
        sheet.column_dimensions[letter].width = width
    book.save(ROOT / "docs" / "细则-甘肃.xlsx")


if __name__ == "__main__":
    main()
