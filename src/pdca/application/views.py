"""The read models as their users handle them: which projections there are, any view's
rows by name, the event fields a projection's handlers read, and a new projection file
to start from (``pdca projections list/events/new``, ``pdca view``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdca.application.acting import Acting, writes
from pdca.errors import Conflict, RuleViolation, one_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from pdca.application.service import PdcaApplication

    Progress = Callable[[int, int], None]  # events done, the log's head


@dataclass(frozen=True)
class ViewRows:
    table: str
    columns: list[tuple[str, str]]  # (name, header): the header is the column's comment
    rows: list[dict[str, Any]]


def projections(app: PdcaApplication) -> list[dict[str, Any]]:
    """Every projection, built-in first: name, source file, tables, version, title — the
    workspace's as an admin's command last recorded them (a read imports no file)."""
    return [
        {
            "name": p.name,
            "source": p.source,
            "tables": [t.name for t in p.tables],
            "version": p.version,
            "title": p.title,
        }
        for p in app.projection_runtime().listed()
    ]


def read(app: PdcaApplication, name: str, filters: list[str], limit: int | None) -> ViewRows:
    """A table's rows (``name``: a table, or a projection with one table), its projection
    caught up first; ``filters`` are ``COL=VAL`` texts. Instants in the database's zone."""
    from pdca.projections.view import read as read_table

    table, rows = read_table(app.projection_runtime(), name, filters, limit)
    columns = [(c.name, c.comment or c.name) for c in table.c]
    return ViewRows(table.name, columns, app.clock.rows(table, rows))


def event_fields() -> dict[str, list[str]]:
    """Each stored event type with the fields a handler reads from ``fact[...]``."""
    from pdca.projections.decoding import event_fields as fields

    return fields()


def check_name(name: str) -> None:
    """Refuse a name no projection may have, before anything is opened."""
    from pdca.projections.loader import NAME

    if not NAME.match(name):
        raise RuleViolation(
            f"投影名 '{name}' 不可用：须为小写字母开头的小写字母、数字、下划线，如 grid_summary"
        )


@writes("projections new")
def new_projection(app: PdcaApplication, acting: Acting, name: str) -> Path:
    """Write a commented projection that runs as written to the workspace's
    ``projections/NAME.py`` and register that file; refused when the name or the file
    is taken."""
    from pdca.application.projection_files import register_file
    from pdca.projections.template import render

    check_name(name)
    taken = [p.name for p in app.projection_runtime().listed()]
    if name in taken:
        raise Conflict(f"投影 {name} 已存在；已有：{one_of(taken)}")
    path = app.workspace.projections_dir / f"{name}.py"
    if path.exists():
        raise Conflict(f"文件 {path} 已存在；换一个名称或先移走它")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(name), encoding="utf-8")
    register_file(app, acting, path)
    return path


# ---- the admin's work on the read models (projections status/rebuild/run) -------------


def status(app: PdcaApplication) -> list[dict[str, Any]]:
    """Each projection's position, the log's head, how far behind, the last error, and
    when it last moved (in the database's zone)."""
    from dataclasses import asdict

    clock = app.clock
    return [
        {
            **asdict(s),
            "lag": s.lag,
            "updated_at": clock.iso(s.updated_at) if s.updated_at else None,
        }
        for s in app.projection_runtime().status()
    ]


def chosen(app: PdcaApplication, names: tuple[str, ...], every: bool) -> list[str]:
    """The projections a command names (none, or ``--all``: every one); an unknown name is
    refused before anything runs."""
    runtime = app.projection_runtime()
    if every and names:
        raise RuleViolation("请只给出投影名称或 --all 之一")
    if every or not names:
        runtime.load_workspace()  # refused while projections/ is not as registered
        return runtime.names()
    for name in names:
        runtime.get(name)
    return list(dict.fromkeys(names))


def log_head(app: PdcaApplication) -> int:
    """The newest event's position in the log (for progress)."""
    return app.projection_runtime().head()


def rebuild(app: PdcaApplication, acting: Acting, names: list[str], progress: Progress) -> int:
    """Replay the whole history into tables aside and swap them in (admin)."""
    app.permit(acting, "projections rebuild")
    return app.projection_runtime().rebuild(*names, progress=progress)


def catch_up(app: PdcaApplication, acting: Acting, names: list[str], progress: Progress) -> int:
    """Catch the projections up from their positions (admin or the worker)."""
    app.permit(acting, "projections run")
    return app.projection_runtime().catch_up(*names, progress=progress)


def follow(
    app: PdcaApplication,
    acting: Acting,
    names: list[str],
    interval: float,
    should_stop: Callable[[], bool],
    progress: Callable[[int, int], None],
) -> int:
    """Catch up, then keep following new events until ``should_stop``."""
    app.permit(acting, "projections run")
    runtime = app.projection_runtime()
    return runtime.follow(*names, interval=interval, should_stop=should_stop, progress=progress)
