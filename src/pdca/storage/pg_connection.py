"""PostgreSQL connections for a one-shot command: opened when first used, kept for the
rest of the command, closed with the application. No pool and no pool threads.

It answers what the library's ``PostgresDatastore`` answers (``get_connection``,
``transaction``, ``cursor``, ``schema`` …), so our storage modules and the library's
own recorder (creating the tables at ``pdca init``) use it unchanged. A command holds
one connection; one more is opened only while the first is in use (a use nested in
another), and a broken one is dropped so the next use (the recorders retry) connects
anew. Driver errors leave as the library's ``eventsourcing.persistence`` errors, as
they do from its datastore: a conflict is an ``IntegrityError`` on every path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing import persistence
from psycopg.rows import DictRow, dict_row
from psycopg.sql import SQL

#: The driver's error classes and the library's, most specific first (as the library's
#: ``PostgresDatastore.get_connection`` translates them).
_TRANSLATIONS: tuple[tuple[type[psycopg.Error], type[persistence.PersistenceError]], ...] = (
    (psycopg.InterfaceError, persistence.InterfaceError),
    (psycopg.OperationalError, persistence.OperationalError),
    (psycopg.DataError, persistence.DataError),
    (psycopg.IntegrityError, persistence.IntegrityError),
    (psycopg.InternalError, persistence.InternalError),
    (psycopg.ProgrammingError, persistence.ProgrammingError),
    (psycopg.NotSupportedError, persistence.NotSupportedError),
    (psycopg.DatabaseError, persistence.DatabaseError),
    (psycopg.Error, persistence.PersistenceError),
)

Connection = psycopg.Connection[DictRow]


def translated(exc: psycopg.Error) -> persistence.PersistenceError:
    """The library's error for a driver's error."""
    return next(ours(str(exc)) for driver, ours in _TRANSLATIONS if isinstance(exc, driver))


class Datastore:
    """Plain connections to one database, opened lazily (see the module's docstring)."""

    def __init__(
        self,
        connect: dict[str, Any],
        *,
        schema: str = "",
        lock_timeout: int = 0,
        idle_in_transaction_session_timeout: int = 0,
        get_password: Callable[[], str] | None = None,
    ) -> None:
        self.schema = schema.strip() or "public"
        self.lock_timeout = lock_timeout
        # What the library's recorders read of a datastore (``create_table`` at init).
        self.originator_id_type = "uuid"
        self.enable_db_functions = False
        self.single_row_tracking = True
        self.db_type_names: set[str] = set()
        self.psycopg_type_adapters: dict[str, Any] = {}
        self.psycopg_python_types: dict[str, Any] = {}
        self._connect = {**connect, "autocommit": True, "row_factory": dict_row}
        self._get_password = get_password
        self._idle_timeout = SQL("SET idle_in_transaction_session_timeout = '{0}ms'").format(
            int(idle_in_transaction_session_timeout * 1000)
        )
        self._free: list[Connection] = []
        self._open: list[Connection] = []
        self.opened = 0  # connections made so far (tests count them)
        self._lock = threading.Lock()

    def register_type_adapters(self) -> None:
        """Nothing to register: events are inserted as arrays, not composite values."""

    @contextmanager
    def get_connection(self) -> Iterator[Connection]:
        conn: Connection | None = None
        try:
            conn = self._take()
            yield conn
        except psycopg.Error as exc:
            raise translated(exc) from exc
        finally:
            if conn is not None:
                self._give_back(conn)

    @contextmanager
    def cursor(self) -> Iterator[psycopg.Cursor[DictRow]]:
        with self.get_connection() as conn:
            yield conn.cursor()

    @contextmanager
    def transaction(self, *, commit: bool = False) -> Iterator[psycopg.Cursor[DictRow]]:
        with self.get_connection() as conn, conn.transaction(force_rollback=not commit):
            yield conn.cursor()

    def _take(self) -> Connection:
        with self._lock:
            if self._free:
                return self._free.pop()
        settings = dict(self._connect)
        if self._get_password is not None:
            settings["password"] = self._get_password()
        conn: Connection = psycopg.Connection.connect(**settings)
        try:
            conn.execute(self._idle_timeout)
        except BaseException:
            conn.close()
            raise
        with self._lock:
            self._open.append(conn)
            self.opened += 1
        return conn

    def _give_back(self, conn: Connection) -> None:
        """Back for the next use; rolled back if a use left a transaction open (as the
        library's pool does), dropped when broken or closed."""
        if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                conn.rollback()
            except psycopg.Error:
                conn.close()
        with self._lock:
            if conn.closed or conn.broken:
                if conn in self._open:
                    self._open.remove(conn)
                conn.close()
            else:
                self._free.append(conn)

    def connections(self) -> int:
        """How many connections are open now."""
        return len(self._open)

    def close(self) -> None:
        with self._lock:
            opened, self._open, self._free = self._open, [], []
        for conn in opened:
            conn.close()

    def __del__(self) -> None:
        self.close()
