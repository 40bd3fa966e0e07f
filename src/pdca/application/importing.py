"""``pdca import``: many rows of a spreadsheet recorded as one command — all or nothing.

Every row is checked by the same rules its single command applies (the use cases'
own ``_*_event`` checks); every problem of every row is collected, so one refusal lists
them all with sheet, row and column. Only when there is none is everything saved, in
one transaction across all the cycles and units it touched (``saving.save``).

Importing a file twice is safe: a row equal to what is recorded records nothing and is
counted as already recorded; a row that differs is refused, unless ``amend``, which
records the corrections (with ``reason``) the single commands would.
"""

from __future__ import annotations

from typing import Any

from pdca import log
from pdca.application import saving
from pdca.application.acting import Acting, writes
from pdca.application.import_columns import KIND_COMMANDS, KIND_LABELS, KINDS
from pdca.application.import_run import Outcome, Run
from pdca.application.sheet_files import Sheet
from pdca.errors import InvalidInput, RuleViolation, one_of

_LISTED = 200  # problems listed in a refusal; the rest are counted


class ImportRefused(RuleViolation):
    """Every problem of a file: a one-line summary, then one line per problem (the one
    refusal that says several lines; each line is still escaped to be one line). What
    was given is wrong, not the workflow: a web form answers 422."""

    http_status = 422

    def __init__(self, summary: str, problems: list[str]) -> None:
        super().__init__(summary, details={"problems": problems})
        self.problems = problems

    def __str__(self) -> str:
        from pdca.errors import one_line

        shown = [one_line(p) for p in self.problems[:_LISTED]]
        more = len(self.problems) - _LISTED
        tail = [f"……另有 {more} 处问题未列出"] if more > 0 else []
        return "\n".join([self.args[0], *shown, *tail])


class Importing:
    """Mixed into ``PdcaApplication`` (``service.USE_CASES``)."""

    @writes("import")
    @saving.commutes
    def import_sheets(
        self,
        acting: Acting,
        kind: str,
        label: str,
        sheets: list[Sheet],
        dry_run: bool = False,
        amend: bool = False,
        reason: str = "",
    ) -> Outcome:
        app: Any = self
        if kind not in KINDS:
            raise RuleViolation(f"未知导入类型 '{kind}'；允许：{one_of(KINDS)}")
        app.permit(acting, KIND_COMMANDS[kind])
        if amend:
            app.permit(acting, "unit edit" if kind == "units" else "correct amend")
            if not reason.strip():
                raise InvalidInput("--amend 更正已记录的值，必须写明理由（--reason）")
        from pdca.application.import_rows import ROWS

        run = Run(app, acting, label, amend, reason.strip(), Outcome(kind, label, dry_run=dry_run))
        for sheet in sheets:
            for cell in sheet.uncached:
                run.problems.append(
                    f"{sheet.where} {cell} 单元格：公式没有计算结果（文件未经 Excel 计算保存）；"
                    "请在 Excel 中打开并保存，或把公式改为数值"
                )
            ROWS[kind](run, sheet)
        if not run.outcome.rows and not run.problems:
            raise RuleViolation(
                f"{label} 中没有{KIND_LABELS[kind]}数据行；请用 pdca template {kind} 生成的表格填写"
            )
        if run.problems:
            raise ImportRefused(
                f"{label} 有 {len(run.problems)} 处问题，整批未记录（允许的写法见各行）：",
                run.problems,
            )
        cycles = {c.id: c for c in run.cycles.values() if c.pending_events}
        changed = [*cycles.values(), *run.others]
        if dry_run:
            saving.refuse_unsaveable(app, acting, changed)
            return run.outcome
        if changed:
            saving.save(
                app,
                acting,
                changed,
                lambda read: saving.changed_underneath(app, f"导入的{KIND_LABELS[kind]}", read),
            )
        log.info("imported", actor=acting.person, kind=kind, events=len(run.outcome.recorded))
        return run.outcome
