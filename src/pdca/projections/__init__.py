"""Read models rebuilt from the event history alone."""

from __future__ import annotations

from pdca.projections.api import Projection


def builtin() -> list[Projection]:
    from pdca.projections.ballot_slips import BallotSlips
    from pdca.projections.catalog import Catalog
    from pdca.projections.ledger import Ledger
    from pdca.projections.rectifications import Rectifications
    from pdca.projections.scores import Scores

    return [Catalog(), Scores(), Ledger(), Rectifications(), BallotSlips()]
