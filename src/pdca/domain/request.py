"""A client's request (``--request-id``): the command it carried, saved in the same
transaction as the command's own events, so a retry after a lost answer finds it
and records nothing twice.

``Accepted`` names the events the command recorded (aggregate id and version);
``Answered`` keeps what the command printed, so a retry answers as the first time
did. The two are separate because the answer is rendered after the events are
stored: a crash between them leaves an accepted request without an answer.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from pdca.domain.ids import NAMESPACE


def request_id(key: str) -> UUID:
    return uuid5(NAMESPACE, f"request:{key}")


class Request(Aggregate):
    @staticmethod
    def create_id(key: str) -> UUID:
        return request_id(key)

    @event("Accepted")
    def __init__(self, key: str, command: str, digest: str, actor: str, events: list[str]) -> None:
        self.key = key
        self.command = command
        self.digest = digest
        self.actor = actor
        self.events = events
        self.answer: str | None = None

    @event("Answered")
    def answered(self, output: str, actor: str) -> None:
        self.answer = output
