"""Progress of long work: a rich bar on a terminal, a plain line now and then otherwise.

    with progress("生成图表", total=5) as advance:
        for chart in charts:
            ...
            advance(1)

Progress goes to stderr so that an export written to stdout stays clean. Off a
terminal (a pipe, a CI log) a line is printed at most every ``every`` seconds, so
quick commands print nothing and a long one shows it is alive.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Advance = Callable[[int], None]


@contextmanager
def progress(
    label: str,
    total: int,
    stream: TextIO | None = None,
    every: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Advance]:
    """Yield ``advance(n)``: call it as work gets done, up to ``total``."""
    out = stream if stream is not None else sys.stderr
    if out.isatty():
        with _rich(label, total, out) as advance:
            yield advance
        return
    with _plain(label, total, out, every, clock) as advance:
        yield advance


@contextmanager
def _rich(label: str, total: int, out: TextIO) -> Iterator[Advance]:
    # rich costs ~60 ms to import: only a terminal pays for it.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=out), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


@contextmanager
def _plain(
    label: str, total: int, out: TextIO, every: float, clock: Callable[[], float]
) -> Iterator[Advance]:
    done = 0
    started = last = clock()

    def advance(n: int = 1) -> None:
        nonlocal done, last
        done += n
        now = clock()
        if now - last >= every:
            last = now
            print(f"{label}：{done}/{total}（{now - started:.0f} 秒）", file=out, flush=True)

    yield advance
    if last != started:  # something was shown: say it finished
        print(f"{label}：完成 {done}/{total}（{clock() - started:.0f} 秒）", file=out, flush=True)
