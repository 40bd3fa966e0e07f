"""The workspace's trusted projection files (``pdca projections register``).

Projection files are Python that runs with the admin's database connection, so an
admin vouches for them: each registration records the digest of every file under
``projections/`` (the whole folder, not only the file in question — a file may be
edited, added or deleted beside it). The admin's commands and the worker run the
files only while the folder matches the newest registration. One database has one
registry, whichever folder points at it: its id is fixed.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import NAMESPACE
from pdca.hashes import uuid5

REGISTRY_ID = uuid5(NAMESPACE, "projection-files")


class ProjectionFiles(Aggregate):
    @staticmethod
    def create_id(files: dict[str, str], actor: str) -> UUID:
        return REGISTRY_ID

    @event("Registered")
    def __init__(self, files: dict[str, str], actor: str) -> None:
        # path relative to projections/ (POSIX) -> "sha256:<hex>"
        self.files = dict(files)

    @event("Reregistered")
    def register(self, files: dict[str, str], actor: str) -> None:
        """The folder as the admin vouches for it now (the whole set replaces the last)."""
        self.files = dict(files)
