"""The database's own marker: which storage format wrote it, whether its events
are encrypted, and its time zone. ``pdca init`` writes it (table ``pdca_meta``, key/value rows); every
command reads it before anything else and refuses a database it cannot read
safely, before writing anything.

``FORMAT`` rises when stored events change in a way an older pdca would misread
(an event class gains a version, a field is renamed). A newer pdca raises the
marker of an older database when it first records an event there.
"""

from __future__ import annotations

from typing import Any

from pdca.errors import StorageError

#: 1: every event chained to its predecessor (``prev_digest``).
#: 2: ``Cycle.FactWithdrawn``/``FactAmended`` v2 (``fact`` renamed ``fact_position``).
#: 3: ``Cycle.VetoApplied`` v2 (``observed_on``); ``Cycle.ItemNotApplicable``;
#:    ``Rectification.DeadlineExtended`` v2 (``on``); ``Unit`` edits, name aliases and
#:    ``Cycle.Voided``, which an older pdca would not see (a voided cycle counted).
#: 4: ``Anchor.Taken`` (anchors outside the database), which an older pdca cannot read.
#: 5: every new event records ``principal`` and ``assurance`` beside its ``actor``; the
#:    ``Accounts`` aggregate (accounts and roles as events), which an older pdca would
#:    ignore (and so let anyone write).
#: 6: ``ProjectionFiles`` (the registered projection files), which an older pdca would
#:    neither read nor honour (it would run unregistered files).
#: 7: ``Cycle.PointScored`` and ``Cycle.OpinionRecorded`` (采分点 and opinions, scheme
#:    format 3), which an older pdca would not score (a cycle read as missing items).
#: 8: ``Cycle.BallotsIssued`` v2 (salted, sorted digests); ``Cycle.BallotTokensUsed``,
#:    ``BallotCounted`` and ``BallotBoxClosed`` replace ``BallotCast`` (an older pdca
#:    would not count the new ballots).
#: 9: ``Round.ConsequencesRecorded`` and ``Round.ConsequencesRevised`` (results used,
#:    scheme format 3), which an older pdca would not show (a unit's 取消评优资格 unseen).
#: 10: ``Cycle.BallotsIssuedToRater`` (分片互评 ballots issued to a rater unit or grid),
#:    whose tokens an older pdca would not know (every such ballot refused).
#: 11: ``Cycle.UnitStepRecorded``, ``UnitStepReviewed``, ``AppealLodged`` and
#:    ``AppealDecided`` (the unit's own steps and 申诉), which an older pdca would not
#:    count (a required step read as missing, an appeal unseen).
#: 12: attachments named inside events (``attachments``: digest, name, size, media type)
#:    and ``Purge`` (an attachment's bytes purged), which an older pdca would neither
#:    verify nor show (a purged file unseen, a changed one unnoticed).
FORMAT = 12
TABLE = "pdca_meta"
#: The key of the database's time zone (an IANA name, written at init). A database made
#: before it was recorded has none; ``pdca.application.clock`` says how that reads.
ZONE = "time_zone"
#: The key of the login that initialised the database (``pdca init``): the one who may
#: create its first account, and so become its first admin.
OWNER = "owner"
#: The environment variable holding the AES key (base64 of 16, 24 or 32 bytes).
#: ``eventsourcing`` reads it as the application's ``CIPHER_KEY`` setting.
KEY_VARIABLE = "PDCA_CIPHER_KEY"
KEY_HOW = "生成密钥：openssl rand -base64 32"
#: Encrypted under the workspace's key at init: proves a key is the right one.
_PROBE = b"pdca-cipher-probe"


class Meta:
    """Reads and writes ``pdca_meta`` through the event recorder's own connection."""

    def __init__(self, recorder: Any, kind: str) -> None:
        self.recorder = recorder
        self.kind = kind

    def _table(self) -> str:
        if self.kind == "sqlite":
            return TABLE
        schema = self.recorder.datastore.schema.replace('"', '""')
        return f'"{schema}".{TABLE}'

    def read(self) -> dict[str, str]:
        """The marker's rows; empty for a database made before markers existed."""
        with self.recorder.datastore.transaction(commit=False) as c:
            if self.kind == "sqlite":
                c.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (TABLE,))
                exists = c.fetchone()[0]
            else:
                c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self._table(),))
                exists = c.fetchone()["present"]
            if not exists:
                return {}
            c.execute(f"SELECT key, value FROM {self._table()}")
            return {row["key"]: row["value"] for row in c.fetchall()}

    def write(self, values: dict[str, str]) -> None:
        mark = "?" if self.kind == "sqlite" else "%s"
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table()} "
                "(key VARCHAR(100) PRIMARY KEY, value TEXT NOT NULL)"
            )
            for key, value in values.items():
                c.execute(f"DELETE FROM {self._table()} WHERE key = {mark}", (key,))
                c.execute(
                    f"INSERT INTO {self._table()} (key, value) VALUES ({mark}, {mark})",
                    (key, value),
                )


def initial_values(cipher: Any, zone: str) -> dict[str, str]:
    from base64 import b64encode

    values = {"format": str(FORMAT), "cipher": "none", ZONE: zone}
    if cipher is not None:
        values.update(cipher="aes-gcm", cipher_probe=b64encode(cipher.encrypt(_PROBE)).decode())
    return values


def check(values: dict[str, str], cipher: Any) -> bool:
    """Refuse a database this pdca must not touch; True when its marker is older."""
    if not values:
        return True  # not initialised yet (init decides), or made before markers existed
    stored = int(values.get("format", "0") or 0)
    if stored > FORMAT:
        raise StorageError(
            f"数据库由更新版本的 pdca 写入（存储格式 {stored}，本版本只认识到 {FORMAT}）；"
            "请升级 pdca 后再用，本次未做任何改动"
        )
    encrypted = values.get("cipher", "none") != "none"
    if encrypted and cipher is None:
        raise StorageError(f"数据库中的事件已加密，需要初始化时的密钥：设置环境变量 {KEY_VARIABLE}")
    if not encrypted and cipher is not None:
        raise StorageError(
            f"数据库未加密，但设置了 {KEY_VARIABLE}；取消该变量，"
            f"或用 {KEY_VARIABLE}=… pdca init 新建加密的工作区"
        )
    if encrypted and not _opens(cipher, values.get("cipher_probe", "")):
        raise StorageError(f"{KEY_VARIABLE} 不是这个数据库初始化时的密钥；无法解密其中的事件")
    return stored < FORMAT


def initialise(marker: Meta, cipher: Any, events: int, zone: str, owner: str) -> str:
    """At ``pdca init``: write a new database's marker, or check (and raise) an old one's.
    ``zone`` is the time zone the database keeps (the caller has checked it against the
    marker's); an old marker without one gains it. ``owner`` is the initialising login,
    kept unless the database names one already; returns the database's owner."""
    values = marker.read()
    if values:
        if check(values, cipher):
            marker.write({"format": str(FORMAT)})
        if values.get(ZONE) != zone:
            marker.write({ZONE: zone})
        if not values.get(OWNER):
            marker.write({OWNER: owner})  # made before owners were kept: its initialiser
        return values.get(OWNER) or owner
    if cipher is not None and events:
        raise StorageError(
            f"数据库中已有未加密的事件，不能改为加密；取消 {KEY_VARIABLE}，或新建工作区"
        )
    marker.write({**initial_values(cipher, zone), OWNER: owner})
    return owner


def require_events_table(recorder: Any, url: str) -> None:
    """Refuse a database that has no event table: ``pdca init`` never ran there."""
    from eventsourcing.persistence import PersistenceError

    try:
        recorder.max_notification_id()
    except PersistenceError as exc:
        from pdca.storage.failures import is_missing_table

        if is_missing_table(exc):
            raise StorageError(
                f"数据库 {url} 未初始化（没有 pdca 的表）；先运行：pdca init，本次未做任何改动"
            ) from None
        raise


def unreachable(url: str, exc: Exception) -> StorageError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StorageError(
        f"数据库 {url} 无法使用（{text}）；检查 --db、PDCA_DB 或 pdca.toml 中的地址与数据库服务，本次未做任何改动"
    )


def bad_key() -> StorageError:
    return StorageError(
        f"{KEY_VARIABLE} 不是有效的密钥（须为 16、24 或 32 字节的 base64）；{KEY_HOW}"
    )


def _opens(cipher: Any, probe: str) -> bool:
    from base64 import b64decode

    try:
        return cipher.decrypt(b64decode(probe)) == _PROBE
    except ValueError:
        return False
