"""Engine setup for SQLite (default) and PostgreSQL (by URL), transactions and schema migrations.

SQLite: every connection gets WAL, synchronous=NORMAL and a busy timeout; every write transaction starts
with BEGIN IMMEDIATE so two processes serialise their writes instead of losing updates.
PostgreSQL: rows are locked with SELECT … FOR UPDATE (SKIP LOCKED for timers) and the audit chain with
a transaction-level advisory lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

from escalation_engine.core.errors import BadInput

_SNAPSHOT: ContextVar[tuple[Database, Session] | None] = ContextVar("read_snapshot", default=None)

DEFAULT_DB_FILE = "escalation-engine.db"
SCHEMA_REVISION = "0012"
BUSY_TIMEOUT_MS = 30_000
AUDIT_LOCK_KEY = 727_001


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


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine per process; `write()` and `read()` give a Session inside one transaction."""

    def __init__(self, url: str | None = None) -> None:
        self.url = normalise_url(url or default_url())
        try:
            if self.url.startswith("sqlite"):
                self.engine: Engine = create_engine(
                    self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
                )
                event.listen(self.engine, "connect", _sqlite_connect)
                event.listen(self.engine, "begin", _sqlite_begin)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True)
        except (ArgumentError, ImportError, ValueError) as exc:
            raise BadInput(f"cannot use database URL {url!r}: {exc}") from None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        database = self.engine.url.database
        return Path(database) if database and database != ":memory:" else None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commit on success, roll back everything on any exception."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction — or, inside `snapshot()`, the snapshot's own session."""
        shared = _SNAPSHOT.get()
        if shared is not None and shared[0] is self:
            yield shared[1]
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every `read()` within shares one read transaction: a page that reads several views sees one
        consistent state and loads the contract, its profile and what the account may see once. Only for
        reading: a write inside would not be seen by the snapshot's reads."""
        if _SNAPSHOT.get() is not None:
            yield
            return
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            token = _SNAPSHOT.set((self, session))
            try:
                yield
            finally:
                _SNAPSHOT.reset(token)

    def lock_audit_chain(self, session: Session) -> None:
        """Serialise appends to the hash chain (SQLite is already serialised by BEGIN IMMEDIATE)."""
        if not self.is_sqlite:
            session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})

    # --- schema -------------------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    return None
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                conn.rollback()
                return str(row[0]) if row else None
        except OperationalError as exc:
            raise BadInput(f"cannot open database {self.url}: {exc.orig}") from None

    def upgrade(self) -> tuple[str | None, str]:
        """Create or upgrade the schema with the Alembic migrations; returns (before, after)."""
        from alembic import command
        from alembic.config import Config

        before = self.current_revision()
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, SCHEMA_REVISION

    def ensure_schema(self) -> None:
        """A fresh database is created on first use; an older schema must be upgraded with `init`."""
        revision = self.current_revision()
        if revision == SCHEMA_REVISION:
            return
        if revision is None:
            self.upgrade()
            return
        raise BadInput(
            f"database schema is at revision {revision}, this engine needs {SCHEMA_REVISION}: "
            "run `escalation-engine init` to upgrade it"
        )

    def dispose(self) -> None:
        self.engine.dispose()
