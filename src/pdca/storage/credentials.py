"""Web logins' mutable state, kept beside the event log and never in it: password
hashes, sessions, throttle counters, and the record of every login attempt.

Throttle counters by client address (``pdca.application.throttle``) are kept here
too: how many misses (wrong logins, unknown ballot links) an address had in its
current window — counts only, never what was typed.

Why not events: a password hash must be replaceable and forgettable, a session ends,
and a failed login names whatever was typed into the login box (a mistyped password,
a stranger's guesses) — none of which belongs in an immutable history that auditors
replay. Creating, granting, scoping and disabling an account stay events.

Sessions are stored by a digest of their id, so whoever reads the table cannot take
one over. Every row is read and written through the event recorder's connection, as
``pdca.storage.ballot_box`` does; times are UNIX seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CREDENTIALS, SESSIONS, ATTEMPTS = "pdca_credentials", "pdca_sessions", "pdca_login_attempts"
THROTTLE = "pdca_client_throttle"
TABLES = (CREDENTIALS, SESSIONS, ATTEMPTS, THROTTLE)


@dataclass(frozen=True)
class Credential:
    login: str
    hash: str
    must_change: bool
    failures: int
    locked_until: float
    generation: int  # raised by every password change: ends the login's sessions


@dataclass(frozen=True)
class Window:
    """A client's misses of one kind since ``since`` (the first miss of the window)."""

    misses: int
    since: float


@dataclass(frozen=True)
class SessionRow:
    login: str
    generation: int
    created: float
    seen: float


class CredentialStore:
    def __init__(self, recorder: Any, kind: str) -> None:
        self.recorder = recorder
        self.kind = kind
        self.mark = "?" if kind == "sqlite" else "%s"

    def table(self, name: str) -> str:
        if self.kind == "sqlite":
            return name
        schema = self.recorder.datastore.schema.replace('"', '""')
        return f'"{schema}".{name}'

    def _tx(self, commit: bool) -> Any:
        return self.recorder.datastore.transaction(commit=commit)

    def present(self) -> bool:
        """Are all the tables there? (The throttle table came last: a database made
        before it gets it from the owner's ``pdca init`` rerun, or a SQLite server.)"""
        with self._tx(False) as c:
            if self.kind == "sqlite":
                c.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (THROTTLE,)
                )
                return c.fetchone() is not None
            c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self.table(THROTTLE),))
            return bool(c.fetchone()["present"])

    def create_tables(self) -> None:
        """``pdca init`` (and a server on a database made before) creates the tables."""
        real = "REAL" if self.kind == "sqlite" else "DOUBLE PRECISION"
        with self._tx(True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(CREDENTIALS)} (login TEXT PRIMARY KEY, "
                "hash TEXT NOT NULL, must_change INTEGER NOT NULL, failures INTEGER NOT NULL, "
                f"locked_until {real} NOT NULL, generation INTEGER NOT NULL)"
            )
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(SESSIONS)} (digest TEXT PRIMARY KEY, "
                f"login TEXT NOT NULL, generation INTEGER NOT NULL, created {real} NOT NULL, "
                f"seen {real} NOT NULL)"
            )
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(ATTEMPTS)} (id TEXT PRIMARY KEY, "
                f"at {real} NOT NULL, login TEXT NOT NULL, outcome TEXT NOT NULL, "
                "client TEXT NOT NULL)"
            )
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(THROTTLE)} (key TEXT PRIMARY KEY, "
                f"misses INTEGER NOT NULL, since {real} NOT NULL)"
            )

    # ---- passwords and throttling ------------------------------------------------------

    def get(self, login: str) -> Credential | None:
        m = self.mark
        with self._tx(False) as c:
            c.execute(
                "SELECT login, hash, must_change, failures, locked_until, generation "
                f"FROM {self.table(CREDENTIALS)} WHERE login = {m}",
                (login,),
            )
            row = c.fetchone()
        if row is None:
            return None
        return Credential(
            row["login"],
            row["hash"],
            bool(row["must_change"]),
            int(row["failures"]),
            float(row["locked_until"]),
            int(row["generation"]),
        )

    def set_password(self, login: str, hash: str, must_change: bool) -> None:
        """A new password (an admin's one-time one, or the user's own): the counters are
        cleared and every open session of the login ends (a new generation)."""
        m = self.mark
        with self._tx(True) as c:
            # Written first, read after: SQLite takes its write lock before the read.
            c.execute(
                f"UPDATE {self.table(CREDENTIALS)} SET hash = {m}, must_change = {m}, "
                f"failures = 0, locked_until = 0, generation = generation + 1 WHERE login = {m}",
                (hash, int(must_change), login),
            )
            c.execute(
                f"SELECT 1 AS present FROM {self.table(CREDENTIALS)} WHERE login = {m}", (login,)
            )
            if c.fetchone() is None:
                c.execute(
                    f"INSERT INTO {self.table(CREDENTIALS)} (login, hash, must_change, failures, "
                    f"locked_until, generation) VALUES ({m}, {m}, {m}, 0, 0, 1)",
                    (login, hash, int(must_change)),
                )
            c.execute(f"DELETE FROM {self.table(SESSIONS)} WHERE login = {m}", (login,))

    def failed(self, login: str, now: float, lock_after: int, lock_seconds: float) -> float:
        """Count a failure; lock the login once ``lock_after`` failures follow each other.
        Returns the instant the login is locked until (0: not locked)."""
        m = self.mark
        with self._tx(True) as c:
            c.execute(
                f"UPDATE {self.table(CREDENTIALS)} SET failures = failures + 1 WHERE login = {m}",
                (login,),
            )
            c.execute(
                f"UPDATE {self.table(CREDENTIALS)} SET locked_until = {m}, failures = 0 "
                f"WHERE login = {m} AND failures >= {m}",
                (now + lock_seconds, login, lock_after),
            )
            c.execute(
                f"SELECT locked_until FROM {self.table(CREDENTIALS)} WHERE login = {m}", (login,)
            )
            row = c.fetchone()
        return float(row["locked_until"]) if row is not None else 0.0

    def succeeded(self, login: str) -> None:
        m = self.mark
        with self._tx(True) as c:
            c.execute(
                f"UPDATE {self.table(CREDENTIALS)} SET failures = 0 WHERE login = {m}", (login,)
            )

    def attempt(self, id: str, at: float, login: str, outcome: str, client: str) -> None:
        """Record one login attempt (``outcome``: ok, wrong, locked, disabled, unknown, throttled)."""
        m = self.mark
        with self._tx(True) as c:
            c.execute(
                f"INSERT INTO {self.table(ATTEMPTS)} (id, at, login, outcome, client) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                (id, at, login[:200], outcome, client[:100]),
            )

    def attempts(self, login: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        m = self.mark
        where, params = (f"WHERE login = {m}", [login]) if login else ("", [])
        with self._tx(False) as c:
            c.execute(
                f"SELECT at, login, outcome, client FROM {self.table(ATTEMPTS)} {where} "
                f"ORDER BY at DESC LIMIT {int(limit)}",
                params,
            )
            return [dict(row) for row in c.fetchall()]

    # ---- sessions ----------------------------------------------------------------------

    def open_session(self, digest: str, login: str, generation: int, now: float) -> None:
        m = self.mark
        with self._tx(True) as c:
            c.execute(
                f"INSERT INTO {self.table(SESSIONS)} (digest, login, generation, created, seen) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                (digest, login, generation, now, now),
            )

    def session(self, digest: str) -> SessionRow | None:
        m = self.mark
        with self._tx(False) as c:
            c.execute(
                f"SELECT login, generation, created, seen FROM {self.table(SESSIONS)} "
                f"WHERE digest = {m}",
                (digest,),
            )
            row = c.fetchone()
        if row is None:
            return None
        return SessionRow(
            row["login"], int(row["generation"]), float(row["created"]), float(row["seen"])
        )

    def touch(self, digest: str, now: float) -> None:
        m = self.mark
        with self._tx(True) as c:
            c.execute(
                f"UPDATE {self.table(SESSIONS)} SET seen = {m} WHERE digest = {m}", (now, digest)
            )

    def end_session(self, digest: str) -> None:
        m = self.mark
        with self._tx(True) as c:
            c.execute(f"DELETE FROM {self.table(SESSIONS)} WHERE digest = {m}", (digest,))

    def end_sessions(self, login: str) -> None:
        m = self.mark
        with self._tx(True) as c:
            c.execute(f"DELETE FROM {self.table(SESSIONS)} WHERE login = {m}", (login,))

    # ---- throttling by client address --------------------------------------------------

    def window(self, key: str) -> Window | None:
        m = self.mark
        with self._tx(False) as c:
            c.execute(f"SELECT misses, since FROM {self.table(THROTTLE)} WHERE key = {m}", (key,))
            row = c.fetchone()
        return Window(int(row["misses"]), float(row["since"])) if row is not None else None

    def miss(self, key: str, now: float, seconds: float) -> Window:
        """Count one miss of ``key``: a new window when its last one began ``seconds``
        or more ago. One statement, so two processes counting at once both count."""
        m, t = self.mark, self.table(THROTTLE)
        over = now - seconds
        with self._tx(True) as c:
            c.execute(
                f"INSERT INTO {t} AS w (key, misses, since) VALUES ({m}, 1, {m}) "
                "ON CONFLICT (key) DO UPDATE SET "
                f"misses = CASE WHEN w.since <= {m} THEN 1 ELSE w.misses + 1 END, "
                f"since = CASE WHEN w.since <= {m} THEN {m} ELSE w.since END",
                (key, now, over, over, now),
            )
            c.execute(f"SELECT misses, since FROM {t} WHERE key = {m}", (key,))
            row = c.fetchone()
        return Window(int(row["misses"]), float(row["since"]))
