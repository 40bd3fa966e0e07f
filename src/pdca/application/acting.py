"""Who runs a command, and what the command keeps while it runs.

Every writing use case takes an ``Acting`` as its first argument: the front end (the
CLI, later a web server) builds it, the application checks it (``writes``) and records
its ``person`` as each event's actor. Nothing about the call is kept on the
application object, so one application instance serves concurrent calls.

Standard library only (and the domain's name check): this is on the path of every
writing command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

#: How sure the application is of who acted: an account vouched for the principal, or
#: the names were only declared (a database without accounts; every older event).
AUTHENTICATED, DECLARED = "authenticated", "declared"
#: A web account's act, vouched for by the server (``pdca serve``): the server's login
#: is the principal, the person proved who they are to it with a password.
WEB = "web"
#: An anonymous ballot through the server: an unspent ballot token was the only
#: credential, and nobody is named (``pdca.application.ballot_page``).
ANONYMOUS = "anonymous"


@dataclass
class Acting:
    """One command's acting context.

    ``principal`` is who connected (the front end authenticated it: the OS user on
    SQLite, the PostgreSQL login, later a web session's server login) and ``person``
    on whose behalf the command runs (``--actor``; by default the principal's own
    person). ``assurance`` says whether an account vouched for them: ``declared``
    until the application's permission check finds the principal's account
    (``authenticated``); a database without accounts records everyone as declared.
    Every event the command saves records all three (``saving.save``).
    ``command`` names the row of the role table the front end ran
    (``finding record``). ``today`` is the day the command acts on (``--today``).
    The rest is filled in while the command runs: the database's time zone (which day
    "today" is when not given), the scopes the person (and whoever enters for them)
    are limited to, the copies a
    commuting use case keeps for its retries, the request record saved, and the ids the
    names it was given stand for (``named``: ``--indicator 纪律性`` →
    ``{"indicator": "discipline"}``), so a front end answers with what was recorded.
    """

    principal: str
    person: str
    command: str = ""
    assurance: str = DECLARED
    request_id: str | None = None
    request_digest: str | None = None
    today: date | None = None
    zone: ZoneInfo | None = None
    # Where ``zone`` comes from when a use case asks for the day (the application's clock):
    # most commands never ask, and need not load the zone database.
    zone_of: Callable[[], ZoneInfo] | None = field(default=None, repr=False)
    limits: tuple[Any, ...] = ()  # pdca.application.scopes.Limit, one per account checked
    permitted: frozenset[str] = frozenset()
    kept: dict[UUID, tuple[int, bytes]] | None = field(default=None, repr=False)
    accepted: Any = field(default=None, repr=False)
    named: dict[str, str] = field(default_factory=dict)
    # The web session that proves ``person`` (``pdca serve``): never stored, never given
    # by the command line; the permission check asks the database whether it is live.
    session: str | None = field(default=None, repr=False)
    # An anonymous ballot cast through the server (``ballot_page``): the principal is the
    # server's login, no person is named; the ballot token is checked by the use case.
    ballot: bool = False
    #: Attachments read for this command (digest → bytes) and digests whose bytes it
    #: purges: the save stores or purges them in the events' transaction
    #: (``pdca.application.attaching``).
    evidence: dict[str, bytes] = field(default_factory=dict, repr=False)
    purges: list[str] = field(default_factory=list)
    #: The notification id of the last event this command saved (0: none yet): a page
    #: shown after the write waits for the views to reach it, and no further.
    recorded: int = 0

    @classmethod
    def declared(cls, name: str, command: str = "", **kwargs: Any) -> Acting:
        """A context whose principal and person are one name (the demo, in-process
        tests). Whether an account vouches for it is the permission check's to say. The
        name is recorded in every event, so it is checked like every other name."""
        from pdca.domain import names

        name = names.check_name(name, names.ACTOR)
        return cls(principal=name, person=name, command=command, **kwargs)

    def stamp(self, aggregates: Any) -> None:
        """Record who connected and how sure we are of it on every event about to be
        saved. The save path (``saving.save``, and a request's answer) calls it: the one
        place that does, so no use case can forget. Events declare their ``actor`` (the
        person); the principal and assurance ride beside it in the stored state, and an
        older event, which has neither, reads as principal = actor, declared
        (``recorded_principal``)."""
        for aggregate in aggregates:
            for event in aggregate.pending_events:
                # Events are frozen once triggered; these two fields are the envelope's,
                # set before the event is stored and never changed after.
                object.__setattr__(event, "principal", self.principal)
                object.__setattr__(event, "assurance", self.assurance)

    @property
    def day(self) -> date:
        """The day the command acts on: ``today`` when given, else today in the database's
        time zone (never the machine's: the application sets ``zone`` before a use case
        runs; unset, the default zone, as ``pdca.application.clock`` reads a database
        that names none)."""
        if self.today is not None:
            return self.today
        from pdca.application.clock import Clock

        if self.zone is None and self.zone_of is not None:
            self.zone = self.zone_of()
        return (Clock() if self.zone is None else Clock(self.zone)).today()


def recorded_principal(event: Any) -> str:
    """Who connected to record ``event`` (a domain event, or a stored state decoded as a
    dict); an event recorded before principals were kept names only its actor, who is
    then its principal too."""
    state = event if isinstance(event, dict) else vars(event)
    return state.get("principal") or state.get("actor") or ""


def recorded_assurance(event: Any) -> str:
    """``authenticated`` or ``declared`` (of an event or a decoded stored state); every
    event older than accounts is declared."""
    state = event if isinstance(event, dict) else vars(event)
    return state.get("assurance") or DECLARED


def identities(person: str, principal: str, assurance: str) -> frozenset[str]:
    """The names one act counts as for four eyes: the person, and whoever recorded on
    the person's behalf when an account vouched for them (declared principals are not
    checked by anyone, so a one-person workspace may play two people)."""
    # A login is kept apart from a person's name, so one person's login that happens to
    # spell another person's name never counts as that person.
    # Through the web server every account shares the server's login, so only the
    # person counts: the server checked their password.
    return frozenset({person, f"登录名 {principal}"} if assurance == AUTHENTICATED else {person})


F = TypeVar("F", bound=Callable[..., Any])


def writes(*commands: str) -> Callable[[F], F]:
    """Declare a writing use case and the role-table rows it serves (``ballot cast`` and
    ``ballot import`` both cast ballots). Before the use case reads anything, the
    application checks that the acting person may run the command — the one permission
    check every front end goes through."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def checked(app: Any, acting: Acting, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(acting, Acting):
                raise TypeError(f"{method.__name__}: the first argument is the Acting context")
            app.permit(acting, acting.command if acting.command in commands else commands[0])
            if acting.zone is None:  # "today", when not given, is the database's
                acting.zone_of = lambda: app.clock.zone
            return method(app, acting, *args, **kwargs)

        checked.commands = commands  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate
