"""Setting up a workspace and its database (``pdca init``): a database that already
exists is checked before any file is written; then the event tables, the marker that
ties the database to this pdca (and to its cipher key), and the projections' tables.
Running it again on a workspace keeps what is there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pdca.application.service import PdcaApplication
from pdca.application.workspace import Workspace, create_workspace, planned_workspace
from pdca.storage import meta


@dataclass(frozen=True)
class Initialised:
    app: PdcaApplication  # open on the workspace; the caller closes it
    workspace: Workspace
    key_variable: str | None  # where the events' cipher key is read from, if encrypted


def initialise(root: Path, db_url: str | None) -> Initialised:
    # A database that cannot be reached or is not ours refuses before any file is written.
    planned = planned_workspace(root, db_url)
    if planned.database_exists():
        PdcaApplication(planned, initialised=False).close()
    workspace = create_workspace(root, db_url)
    app = PdcaApplication(workspace, create_tables=True)
    try:
        cipher = app.mapper.cipher
        meta.initialise(app.marker, cipher, app.recorder.max_notification_id() or 0)
        app.projection_runtime().create_tables(include_workspace=True)
    except BaseException:
        app.close()
        raise
    return Initialised(app, workspace, meta.KEY_VARIABLE if cipher is not None else None)
