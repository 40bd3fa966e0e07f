"""One exception family for everything a user can get wrong.

Each error says what was wrong and what is allowed, in one line. The CLI prints
the message on stderr and exits with the class's ``exit_code`` (documented in the
README); nothing raises one of these after an event has been stored.
"""

from __future__ import annotations

#: Not a refusal: pdca itself failed (a bug). The CLI prints one line naming the log file
#: that holds the traceback and exits with this code; no ``PdcaError`` uses it.
INTERNAL_ERROR_EXIT = 9


class PdcaError(Exception):
    """A refused command: the message is the whole answer to the user, on one line.

    Refusals echo what was typed (``未知周期 '…'``); a newline, a bidi override or a
    zero-width character in it is shown escaped (``\\u202e``), so the refusal stays one
    line and says what really arrived. ``details`` is the same refusal as data, for
    ``--json`` (e.g. what each cycle of a round lacks); the message alone must still say
    everything."""

    exit_code = 1

    def __init__(self, message: object = "", details: dict[str, object] | None = None) -> None:
        super().__init__(one_line(str(message)))
        self.details: dict[str, object] = details or {}


class RuleViolation(PdcaError):
    """The command breaks a rule of the workflow or the scheme."""

    exit_code = 1


class InvalidInput(RuleViolation):
    """What was typed is not usable whatever the history: a number that is not one, a
    value outside its allowed range, a word not in the allowed list, a required field
    left empty. A rule violation to the command line (same exit code); a front end tells
    it apart from a refusal of the history (a web form answers 422, not 409)."""

    exit_code = 1


class NotFound(PdcaError):
    """A unit, cycle, scheme or other named thing does not exist."""

    exit_code = 3


class Conflict(PdcaError):
    """The thing already exists, or changed underneath the command."""

    exit_code = 4


class SchemeInvalid(PdcaError):
    """A workflow definition file is malformed; the message lists every problem."""

    exit_code = 5


class StorageError(PdcaError):
    """The workspace or the database cannot be used as configured."""

    exit_code = 6


class NotPermitted(PdcaError):
    """No account for the login, or its role or scope (the account events) does not allow
    this command."""

    exit_code = 7


def one_line(text: str) -> str:
    """``text`` with every character that would break or disguise a line escaped."""
    if text.isprintable():
        return text
    import unicodedata

    return "".join(
        ch
        if ch.isprintable() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
        else f"\\u{ord(ch):04x}"
        if ord(ch) <= 0xFFFF
        else f"\\U{ord(ch):08x}"
        for ch in text
    )


def one_of(values: object) -> str:
    """Render the allowed values of a refusal, e.g. ``start_do、start_check``."""
    items = [str(v) for v in values]  # type: ignore[attr-defined]
    return "、".join(items) if items else "（无）"
