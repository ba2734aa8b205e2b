"""Engine setup for SQLite (default) and PostgreSQL (by URL), transactions and schema migrations.

SQLite: every connection gets WAL, synchronous=NORMAL and a busy timeout; every write transaction starts
with BEGIN IMMEDIATE so two processes serialise their writes instead of losing updates.
PostgreSQL: rows are locked with SELECT … FOR UPDATE (SKIP LOCKED for timers) and the audit chain with
a transaction-level advisory lock.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from escalation_engine.core import db_files, sqlite_hints, text_guard
from escalation_engine.core.errors import BadInput, ReadOnlyDatabase, UnknownSchema

_SNAPSHOT: ContextVar[tuple[Database, Session] | None] = ContextVar("read_snapshot", default=None)

DEFAULT_DB_FILE = "escalation-engine.db"
SCHEMA_REVISION = "0014"
BUSY_TIMEOUT_MS = 30_000
AUDIT_LOCK_KEY = 727_001

text_guard.install()  # no typed text with control characters reaches a table, whichever command wrote it


def default_url() -> str:
    return os.environ.get("ESCALATION_ENGINE_DB") or f"sqlite:///{DEFAULT_DB_FILE}"


def normalise_url(url: str) -> str:
    """Accept a bare file path as a SQLite database; prefer psycopg 3 for postgresql:// URLs."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_connect_reading(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA query_only=ON")


READING = "escalation_engine_reading"  # the execution option of `Database.read()`'s sessions


def _sqlite_begin(conn: Connection) -> None:
    """A write takes the write lock at once (BEGIN IMMEDIATE: no lost update between processes); a read
    (`Database.read()`) takes none: in WAL mode it reads its snapshot beside a writer and beside the other
    readers — with BEGIN IMMEDIATE every page of the web application waited for every other. A read
    transaction is query-only, so a write inside one is refused instead of waiting for the lock."""
    reading = bool(conn.get_execution_options().get(READING))
    held = conn.connection  # the pooled DBAPI connection: its PRAGMA is not one of the statements run
    if held.info.get(READING, False) != reading:
        held.dbapi_connection.execute(f"PRAGMA query_only={'ON' if reading else 'OFF'}")  # type: ignore[union-attr]
        held.info[READING] = reading
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _sqlite_begin_reading(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def known_revisions() -> set[str]:
    """The schema revisions this engine's migrations know (0001 … SCHEMA_REVISION)."""
    versions = Path(__file__).parent / "migrations" / "versions"
    return {p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py")}


class Database:
    """One engine per process; `write()` and `read()` give a Session inside one transaction."""

    def __init__(self, url: str | None = None) -> None:
        self.url = normalise_url(url or default_url())
        self.read_only = False
        self._path: Path | None = None
        try:
            if self.url.startswith("sqlite"):
                self.engine: Engine = self._sqlite_engine()
            else:
                # no server-side prepared statements: after five runs PostgreSQL may switch a prepared
                # statement to its generic plan, blind to the values (a person's deadlines: 20 → 45 ms)
                self.engine = create_engine(
                    self.url, pool_pre_ping=True, connect_args={"prepare_threshold": None}
                )
        except (ArgumentError, ImportError, ValueError) as exc:
            raise BadInput(f"cannot use database URL {url!r}: {exc}") from None
        self._reading = self.engine.execution_options(**{READING: True})  # same pool, a read's BEGIN

    def _sqlite_engine(self) -> Engine:
        """A SQLite file is checked before it is opened (ours, damaged, read-only); a read-only copy is
        opened through a read-only URI, without WAL or BEGIN IMMEDIATE, and refuses every write."""
        engine = create_engine(
            self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        database = engine.url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            self._path = Path(database)
            db_files.check_sqlite_file(self._path)
            if db_files.is_read_only(self._path):
                engine.dispose()
                self.read_only = True
                uri = db_files.read_only_uri(self._path)
                engine = create_engine(
                    "sqlite://",
                    creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
                )
                event.listen(engine, "connect", _sqlite_connect_reading)
                event.listen(engine, "begin", _sqlite_begin_reading)
                return sqlite_hints.enable(engine)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return sqlite_hints.enable(engine)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return self._path if self.is_sqlite else None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back everything on any exception."""
        if self.read_only:
            raise db_files.read_only_refusal(self._path or self.url)
        with self._translated(), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction — or, inside `snapshot()`, the snapshot's own session."""
        shared = _SNAPSHOT.get()
        if shared is not None and shared[0] is self:
            yield shared[1]
            return
        try:
            with (
                self._translated(),
                Session(self._reading, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
        except ReadOnlyDatabase:
            if self.read_only:
                raise
            raise RuntimeError(
                "a write inside a read transaction (Database.read()): write in write()"
            ) from None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every `read()` within shares one read transaction: a page that reads several views sees one
        consistent state and loads the contract, its profile and what the account may see once. Only for
        reading: a write inside would not be seen by the snapshot's reads."""
        if _SNAPSHOT.get() is not None:
            yield
            return
        with self._translated(), Session(self._reading, expire_on_commit=False) as session, session.begin():
            token = _SNAPSHOT.set((self, session))
            try:
                yield
            finally:
                _SNAPSHOT.reset(token)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """A SQLite error about the file itself (damaged, read-only) becomes the engine's own error."""
        try:
            yield
        except DBAPIError as exc:
            problem = db_files.database_problem(exc.orig, self._path or self.url) if self.is_sqlite else None
            if problem is None:
                raise
            raise problem from None

    def lock_audit_chain(self, session: Session) -> None:
        """Serialise appends to the hash chain (SQLite is already serialised by BEGIN IMMEDIATE)."""
        if not self.is_sqlite:
            session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})

    # --- schema -------------------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        try:
            with self._translated(), self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                conn.rollback()
                revision = str(row[0]) if row else None
        except OperationalError as exc:
            raise BadInput(f"cannot open database {self.url}: {exc.orig}") from None
        if revision is not None and revision not in known_revisions():
            raise UnknownSchema(
                f"database schema is at revision {revision}, which this engine (schema {SCHEMA_REVISION}) "
                "does not know: it was made by a newer escalation-engine — use that version or newer; "
                "nothing was written"
            )
        return revision

    def upgrade(self) -> tuple[str | None, str]:
        """Create or upgrade the schema with the Alembic migrations; returns (before, after)."""
        from alembic import command
        from alembic.config import Config

        before = self.current_revision()
        if self.read_only:
            raise db_files.read_only_refusal(self._path or self.url)
        self._quick_check()
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, SCHEMA_REVISION

    def _quick_check(self) -> None:
        """`init` reads every page of an existing SQLite file once: a damaged file is refused, not upgraded."""
        if self._path is None or not self._path.exists() or self._path.stat().st_size == 0:
            return
        with self._translated(), self.engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA quick_check(1)").scalar()
            conn.rollback()
        if result != "ok":
            raise db_files.damaged(self._path, str(result))

    def ensure_schema(self) -> None:
        """A fresh database is created on first use; an older schema must be upgraded with `init`."""
        revision = self.current_revision()
        if revision == SCHEMA_REVISION:
            return
        if revision is None:
            if self.read_only:
                raise db_files.read_only_refusal(self._path or self.url)
            self.upgrade()
            return
        raise BadInput(
            f"database schema is at revision {revision}, this engine needs {SCHEMA_REVISION}: "
            "run `escalation-engine init` to upgrade it"
        )

    def dispose(self) -> None:
        self.engine.dispose()
