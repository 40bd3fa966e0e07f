"""Read models rebuilt from the event history alone."""

from __future__ import annotations

from pdca.projections.api import Projection


def builtin() -> list[Projection]:
    from pdca.projections.catalog import Catalog

    return [Catalog()]
