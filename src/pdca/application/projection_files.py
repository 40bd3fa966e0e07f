"""The admin's projection files as trusted code: registered by digest, refused when changed.

A file in ``projections/`` is Python that runs with the admin's (or the worker's)
database connection: whoever can write that folder runs code as the admin. So an admin
registers the folder — the SHA-256 of every file in it, not only the one they edited —
as an event (``pdca projections register``; ``projections new`` registers the file it
writes), and ``projections rebuild``/``run`` and the worker refuse to import anything
while a file is changed, added or deleted since. Reads never import these files at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdca.application.acting import Acting, writes
from pdca.errors import SchemeInvalid

#: The application (``PdcaApplication``), untyped here: the service calls ``vouch``.
PdcaApplication = Any

REGISTER = "pdca projections register"


class FilesUnregistered(SchemeInvalid):
    """The projections folder differs from its registration: nothing of it runs."""


@dataclass(frozen=True)
class Registration:
    files: dict[str, str]  # path under projections/ -> "sha256:…"
    changed: list[tuple[str, str]]  # (path, 已修改/新增/已删除) against the last one


def digests(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (sub-folders too), by its path below it."""
    if not directory.is_dir():
        return {}
    return {
        path.relative_to(directory).as_posix(): "sha256:"
        + hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def registered(app: PdcaApplication) -> dict[str, str] | None:
    """The files of the newest registration; ``None`` when there has been none."""
    registry = _registry(app)
    return None if registry is None else dict(registry.files)


def differences(before: dict[str, str], now: dict[str, str]) -> list[tuple[str, str]]:
    changed = [(p, "已修改") for p in sorted(now) if p in before and before[p] != now[p]]
    changed += [(p, "新增") for p in sorted(now) if p not in before]
    changed += [(p, "已删除") for p in sorted(before) if p not in now]
    return changed


def vouch(app: PdcaApplication, directory: Path) -> dict[str, str]:
    """Refuse, in one line naming the file, a folder that is not as registered. A file
    byte for byte one of pdca's own worked examples (``pdca init`` copies them) is pdca's
    code, trusted as pdca is: it needs no registration. Returns the digests checked."""
    from pdca.application.workspace import shipped_dir

    before = registered(app) or {}
    shipped = digests(shipped_dir("projections"))
    found = digests(directory)
    changed = [
        (path, "已修改" if path in before else "新增")
        for path, digest in found.items()
        if before.get(path, shipped.get(path)) != digest
    ]
    changed += [(path, "已删除") for path in sorted(before) if path not in found]
    if not changed:
        return found  # the digests vouched for: the loader runs these bytes only
    path, how = changed[0]
    more = f"（另有 {len(changed) - 1} 个文件不符）" if len(changed) > 1 else ""
    raise FilesUnregistered(
        f"投影文件 projections/{path} {how}，未经管理员登记，不予运行{more}；"
        f"核对后由管理员登记：{REGISTER}"
    )


@writes("projections register")
def register(app: PdcaApplication, acting: Acting) -> Registration:
    """Record the digest of every file under ``projections/`` as the admin vouches for
    it now. The files are checked (loaded) first: a broken one is refused, nothing
    recorded."""
    from pdca.application import saving
    from pdca.domain.registry import ProjectionFiles
    from pdca.errors import Conflict

    directory = app.workspace.projections_dir
    now = digests(directory)
    # Loaded before anything is recorded, so a broken file is refused (the admin is
    # vouching for this code, so running it here is theirs to do).
    app.projection_runtime().load_workspace(check=False)
    registry = _registry(app)
    before = {} if registry is None else dict(registry.files)
    if registry is None:
        registry = ProjectionFiles(files=now, actor=acting.person)
    else:
        registry.register(files=now, actor=acting.person)
    saving.save(
        app, acting, (registry,), lambda _read: Conflict("另一位管理员同时登记了投影文件；请重试")
    )
    return Registration(now, differences(before, now))


def register_file(app: PdcaApplication, acting: Acting, path: Path) -> None:
    """``projections new``: the file it wrote joins the registration (the rest of the
    folder stays as registered: a file changed beside it is still refused)."""
    from pdca.application import saving
    from pdca.domain.registry import ProjectionFiles
    from pdca.errors import Conflict

    directory = app.workspace.projections_dir
    name = path.relative_to(directory).as_posix()
    digest = digests(directory)[name]
    registry = _registry(app)
    if registry is None:
        registry = ProjectionFiles(files={name: digest}, actor=acting.person)
    else:
        registry.register(files={**registry.files, name: digest}, actor=acting.person)
    saving.save(
        app, acting, (registry,), lambda _read: Conflict("另一位管理员同时登记了投影文件；请重试")
    )


def _registry(app: PdcaApplication) -> object | None:
    from eventsourcing.application import AggregateNotFoundError

    from pdca.domain.registry import REGISTRY_ID

    try:
        return app.repository.get(REGISTRY_ID)
    except AggregateNotFoundError:
        return None
