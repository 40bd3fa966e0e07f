"""Progress off a terminal: quiet for quick work, a line now and then for long work."""

from __future__ import annotations

import io

from pdca.cli._progress import progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_quick_work_prints_nothing() -> None:
    out, clock = io.StringIO(), Clock()
    with progress("导出", total=3, stream=out, clock=clock) as advance:
        for _ in range(3):
            clock.now += 0.5
            advance(1)
    assert out.getvalue() == ""


def test_long_work_prints_a_line_every_few_seconds_and_when_done() -> None:
    out, clock = io.StringIO(), Clock()
    with progress("生成报告 2024", total=6, stream=out, every=2.0, clock=clock) as advance:
        for _ in range(6):
            clock.now += 1.5
            advance(1)
    assert out.getvalue().splitlines() == [
        "生成报告 2024：2/6（3 秒）",
        "生成报告 2024：4/6（6 秒）",
        "生成报告 2024：6/6（9 秒）",
        "生成报告 2024：完成 6/6（9 秒）",
    ]


def test_a_terminal_gets_a_bar() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    with progress("导出 scores 2024", total=2, stream=out) as advance:
        advance(1)
        advance(1)
    assert "导出 scores 2024" in out.getvalue() and "2/2" in out.getvalue()
