"""Importing a 甘肃 score sheet: 105 units × every recordable leaf of gansu.toml (the 71
条 and the two 平时考核 items: 7,665 values), three ways, in the same run:

1. ``pdca import scores 得分.xlsx`` — one command (subprocess), all or nothing in one save;
   also the use case alone, in-process (reading the workbook excluded);
2. the same facts one ``pdca score record`` command each: a sample of ``--sample``
   commands is timed and the whole is extrapolated from its mean (said so in the output);
3. the library's raw bulk save: the same events recorded on the loaded cycles with no
   check at all and saved in one ``app.save`` — the floor any import stands on.

Not a test: it prints figures. Run: ``python bench/import.py [--units 105] [--sample 200]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
PERIOD = "2017"
ACTOR = "督查组"


def env_for(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PDCA_WORKSPACE": str(root),
        "PDCA_ACTOR": ACTOR,
        "PDCA_LOG_LEVEL": "warning",
    }


def pdca(root: Path, *args: str) -> None:
    subprocess.run([PDCA, *args], env=env_for(root), check=True, stdout=subprocess.DEVNULL)


def set_up(root: Path, units: int) -> list[str]:
    """A workspace whose ``units`` 甘肃 cycles are in 实地考核 (where scores are recorded)."""
    from pdca.application.acting import Acting
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    subprocess.run(
        [PDCA, "init", str(root)], env=env_for(root), check=True, stdout=subprocess.DEVNULL
    )
    app = PdcaApplication(open_workspace(str(root), None))
    names = [f"省直单位{n:03d}" for n in range(1, units + 1)]
    try:
        for name in names:
            acting = Acting.declared(ACTOR, today=date(2017, 11, 1))
            app.register_unit(acting, name, "党政机关", None)
            address = f"{name}/{PERIOD}"
            app.open_cycle(acting, name, PERIOD, "gansu")
            app.add_task(acting, address, "落实三会一课", date(2017, 12, 31), None)
            app.publish_task_list(acting, address)
            for trigger in ("start_do", "start_self_check", "start_on_site"):
                app.advance(acting, address, trigger, None)
    finally:
        app.close()
    return names


def values(root: Path) -> list[tuple[str, str, Decimal]]:
    """Every value the sheet holds: (unit, leaf, value), as the bench fills them in."""
    from pdca.application.import_columns import leaf_columns
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(open_workspace(str(root), None))
    try:
        scheme = app.workspace.scheme("gansu")
        leaves = [c for cat in scheme.rules.categories for c in leaf_columns(scheme, cat)]
        units = [u["name"] for u in app.list_units()]
    finally:
        app.close()
    found = []
    for n, unit in enumerate(units):
        for m, leaf in enumerate(leaves):
            if leaf.whole:  # a count
                value = Decimal((n + m) % 5)
            elif leaf.high is not None:
                value = (leaf.high * Decimal((n + m) % 4 + 7) / 10).quantize(Decimal("0.1"))
            else:
                value = Decimal((n + m) % 5)
            found.append((unit, leaf.id, value))
    return found


def fill(sheet: Path, facts: list[tuple[str, str, Decimal]]) -> None:
    from openpyxl import load_workbook

    by_unit: dict[str, dict[str, Decimal]] = {}
    for unit, leaf, value in facts:
        by_unit.setdefault(unit, {})[leaf] = value
    book = load_workbook(sheet)
    for ws in book.worksheets:
        columns = {cid: at + 1 for at, cid in enumerate(c.value for c in ws[1])}
        if "unit" not in columns:
            continue
        for number in range(3, ws.max_row + 1):
            unit = ws.cell(number, columns["unit"]).value
            for cid, value in by_unit[unit].items():
                if cid in columns:
                    ws.cell(number, columns[cid], float(value))
    book.save(sheet)


def raw_bulk_save(root: Path, facts: list[tuple[str, str, Decimal]]) -> float:
    """The same events on the loaded cycles, no check, one ``app.save``: seconds."""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from pdca.domain.cycle import Cycle

    app = PdcaApplication(open_workspace(str(root), None))
    try:
        start = time.perf_counter()
        cycles: dict[str, Cycle] = {}
        for unit, leaf, value in facts:
            address = f"{unit}/{PERIOD}"
            if address not in cycles:
                cycles[address] = app.get_cycle(address)
            cycles[address].record(
                Cycle.ItemScored, item=leaf, value=value, evidence="bench", actor=ACTOR
            )
        app.save(*cycles.values())
        return time.perf_counter() - start
    finally:
        app.close()


def in_process_import(root: Path, sheet: Path) -> float:
    from pdca.application.acting import Acting
    from pdca.application.service import PdcaApplication
    from pdca.application.sheet_files import read_sheets
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(open_workspace(str(root), None))
    try:
        label, sheets = read_sheets(str(sheet), sys.stdin.buffer)
        start = time.perf_counter()
        outcome = app.import_sheets(Acting.declared(ACTOR, "import"), "scores", label, sheets)
        seconds = time.perf_counter() - start
        assert len(outcome.recorded) > 0
        return seconds
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=105)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        roots = [Path(tmp) / name for name in ("cli_import", "in_process", "one_by_one", "raw")]
        for root in roots:
            set_up(root, args.units)
        facts = values(roots[0])
        sheet = Path(tmp) / "得分.xlsx"
        pdca(roots[0], "template", "scores", PERIOD, "-o", str(sheet))
        fill(sheet, facts)
        print(f"{args.units} 个单位 × {len(facts) // args.units} 个指标 = {len(facts)} 个值")

        start = time.perf_counter()
        pdca(roots[0], "import", "scores", str(sheet))
        command = time.perf_counter() - start
        print(f"pdca import scores（一条命令，子进程）：{command:.2f} s")

        use_case = in_process_import(roots[1], sheet)
        print(f"导入用例本身（进程内，不含读取工作簿）：{use_case:.2f} s")

        sample = facts[: args.sample]
        times = []
        for unit, leaf, value in sample:
            start = time.perf_counter()
            pdca(
                roots[2],
                "score",
                "record",
                f"{unit}/{PERIOD}",
                leaf,
                str(value),
                "--evidence",
                "bench",
            )
            times.append(time.perf_counter() - start)
        each = statistics.mean(times)
        whole = each * len(facts)
        print(
            f"逐条 pdca score record：实测 {len(sample)} 条，平均 {each:.3f} s/条，"
            f"外推 {len(facts)} 条 ≈ {whole:.0f} s（外推值，非实测）"
        )

        raw = raw_bulk_save(roots[3], facts)
        print(f"库的原始批量保存（不校验，一次 save）：{raw:.2f} s")
        print(f"一条导入命令 比 逐条命令 快 {whole / command:.0f} 倍")
        print(f"原始批量保存 / 导入命令 = {raw / command:.2f}×（目标 ≥ 0.3×）")
        print(f"原始批量保存 / 导入用例 = {raw / use_case:.2f}×")


if __name__ == "__main__":
    main()
