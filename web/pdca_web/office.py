"""The opened workspace a server works on: one application for every request thread,
and the one background thread that keeps the views caught up."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from pdca_web.settings import Settings


@dataclass
class Office:
    app: Any  # pdca.application.service.PdcaApplication
    settings: Settings
    #: The server's own login: every web account's act records it as the principal.
    principal: str = ""
    _stop: threading.Event = field(default_factory=threading.Event)
    _follower: threading.Thread | None = None

    @classmethod
    def open(cls, settings: Settings) -> Office:
        from pdca.application.serving import open_application, server_login

        app = open_application(settings.workspace, settings.db)
        return cls(app, settings, server_login(app))

    def start(self) -> None:
        """Start the follower: request threads then only read the views."""
        from pdca.application.serving import follow_views

        self._follower = threading.Thread(
            target=follow_views,
            args=(
                self.app,
                self._stop.is_set,
                self.settings.follow_seconds,
                self.settings.follow_gap,
            ),
            name="pdca-follower",
            daemon=True,
        )
        self._follower.start()

    def stop(self) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.join(timeout=10)
        self.app.close()
