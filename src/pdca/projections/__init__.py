"""Read models rebuilt from the event history alone.

``Projection`` (the base of every projection, admins' included) is imported on first
use: the fold and the stored-event decoding in this package are read by commands that
never touch a view (loading a cycle), and should not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdca.projections.api import Projection


def __getattr__(name: str) -> Any:
    if name == "Projection":
        from pdca.projections.api import Projection

        return Projection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def builtin() -> list[Projection]:
    from pdca.projections.ballot_slips import BallotSlips
    from pdca.projections.catalog import Catalog
    from pdca.projections.ledger import Ledger
    from pdca.projections.rectifications import Rectifications
    from pdca.projections.scores import Scores

    return [Catalog(), Scores(), Ledger(), Rectifications(), BallotSlips()]
