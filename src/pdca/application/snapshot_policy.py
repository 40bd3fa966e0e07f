"""When a cycle is snapshotted: read by the application's load (``cycle_loading``) and by
the quick read of ``cycle status``, which must agree on when a snapshot's head still
answers (``INTERVAL`` events after it at most)."""

from __future__ import annotations

import os

#: A cycle gets its first snapshot once it holds this many events …
THRESHOLD = int(os.environ.get("PDCA_SNAPSHOT_AFTER", "400"))
#: … and a new one when this many were recorded since its last.
INTERVAL = int(os.environ.get("PDCA_SNAPSHOT_EVERY", "200"))
