"""Progress of long work: a rich bar with rate and ETA on a terminal, plain lines
otherwise (a log file or CI gets one line every few seconds, not a bar's redraws).

    with progress("重建投影", total=head, unit="事件") as update:
        runtime.rebuild(..., progress=lambda done, total: update(done, total))
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

Update = Callable[[int, int | None], None]  # (completed, new total or None)

PLAIN_EVERY = 2.0  # seconds between plain lines


@contextmanager
def progress(label: str, total: int, unit: str = "事件") -> Iterator[Update]:
    if sys.stderr.isatty():
        with _rich(label, total, unit) as update:
            yield update
    else:
        with _plain(label, total, unit) as update:
            yield update


@contextmanager
def _rich(label: str, total: int, unit: str) -> Iterator[Update]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(f"{{task.fields[rate]}} {unit}/秒"),
        TimeElapsedColumn(),
        TextColumn("剩余"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=total, rate="—")
        started = time.monotonic()

        def update(completed: int, new_total: int | None = None) -> None:
            elapsed = max(time.monotonic() - started, 1e-9)
            rate = f"{completed / elapsed:,.0f}"
            if new_total is not None:
                bar.update(task, total=new_total)
            bar.update(task, completed=completed, rate=rate)

        yield update


@contextmanager
def _plain(label: str, total: int, unit: str) -> Iterator[Update]:
    started = last = time.monotonic()
    state = {"completed": 0, "total": total}

    def line() -> str:
        elapsed = max(time.monotonic() - started, 1e-9)
        done, of = state["completed"], state["total"]
        rate = done / elapsed
        eta = f"，约剩 {(of - done) / rate:.0f} 秒" if rate > 0 and of > done else ""
        return f"{label}：{done:,}/{of:,} {unit}（{rate:,.0f} {unit}/秒{eta}）"

    def update(completed: int, new_total: int | None = None) -> None:
        nonlocal last
        state["completed"] = completed
        if new_total is not None:
            state["total"] = new_total
        if time.monotonic() - last >= PLAIN_EVERY:
            last = time.monotonic()
            click.echo(line(), err=True)

    yield update
    if time.monotonic() - started >= PLAIN_EVERY:
        click.echo(line(), err=True)
