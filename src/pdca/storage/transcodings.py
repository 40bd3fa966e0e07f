"""Value types stored in events beyond what ``eventsourcing`` transcodes by default."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import Transcoder, Transcoding


class DateAsISO(Transcoding):
    """Observed dates and deadlines are calendar dates, not instants."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_all(transcoder: Transcoder) -> None:
    transcoder.register(DateAsISO())
