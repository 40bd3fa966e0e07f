"""``pdca scheme import``: the sample 细则 sheet built from 甘肃's seed becomes a scheme
that ``scheme validate`` accepts, with 甘肃's items and maxima; a sheet with mistakes is
refused listing each."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pdca_cli import cli

from pdca.rules.schemes import parse

ROOT = Path(__file__).resolve().parents[2]


def _items(text: str) -> list[tuple[str, str, str, object]]:
    rules = parse(text).rules
    return [(c.id, i.id, i.label, i.max) for c in rules.categories for i in c.items]


def test_the_sample_sheet_imports_with_gansus_items_and_maxima(tmp_path: Path) -> None:
    out = tmp_path / "workflows" / "gansu_xize.toml"
    out.parent.mkdir()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["scheme", "import", str(ROOT / "docs" / "细则-甘肃.xlsx"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"已生成方案 {out}：4 个重点、17 个类别、73 个评分项；须手工补全："
    )
    valid = runner.invoke(cli, ["scheme", "validate", str(out)])
    assert valid.exit_code == 0 and valid.output.startswith("方案有效：gansu_xize@1"), valid.output
    gansu = (ROOT / "workflows" / "gansu.toml").read_text(encoding="utf-8")
    imported = out.read_text(encoding="utf-8")
    assert _items(imported) == _items(gansu)
    assert len(_items(imported)) == 71 + 2  # the 71 条 and the two 平时考核 items
    rules, sample = parse(gansu).rules, parse(imported).rules
    assert [(c.id, c.label, c.area) for c in sample.categories] == [
        (c.id, c.label, c.area) for c in rules.categories
    ]
    same = [
        (i.rule, i.required, i.per, i.threshold, i.band) for c in rules.categories for i in c.items
    ]
    assert [
        (i.rule, i.required, i.per, i.threshold, i.band) for c in sample.categories for i in c.items
    ] == same


def test_a_sheet_with_mistakes_is_refused_listing_each(tmp_path: Path) -> None:
    sheet = tmp_path / "细则.csv"
    sheet.write_text(
        "类别,评分项,分值,计分规则,意见\n"
        "基础,三会一课,5,直接计分,\n"
        "基础,主题党日,,直接计分,\n"
        "基础,组织生活会,3,按年扣分,\n"
        "评议,述职评议,10,按意见计分,\n",
        encoding="utf-8",
    )
    out = tmp_path / "x.toml"
    result = CliRunner().invoke(cli, ["scheme", "import", str(sheet), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert result.output.splitlines() == [
        "错误：细则表有 3 处问题，未生成方案：",
        f"文件 {sheet} 第 3 行 C 列（max）：分值不能为空",
        f"文件 {sheet} 第 4 行 D 列（rule）：未知计分规则 '按年扣分'；允许：直接计分、按次扣分、按档扣分、与第一名之比、按意见计分",
        f"文件 {sheet} 第 5 行 E 列（opinions）：按意见计分须写意见及分值，如 好=20；较好=15",
    ]
