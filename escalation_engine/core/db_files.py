"""What a SQLite file is before the engine opens it: ours, another program's, damaged, or read-only.

The checks read the file only (its header, and its table names over a read-only connection), so a file
that is not ours is never written — not even the header change that switching it to WAL would make.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from escalation_engine.core.errors import DamagedDatabase, EngineError, NotOurDatabase, ReadOnlyDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite result codes (the low byte of an extended code) that say the file itself is wrong.
SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_NOTADB = 8, 11, 26


def is_read_only(path: Path) -> bool:
    """An existing database this process may not write: the file or its directory (where SQLite keeps the
    -wal and -shm side files) is not writable — read-only media, or permissions."""
    if not path.exists():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def read_only_uri(path: Path) -> str:
    """The URI that opens `path` for reading without writing anything beside it.

    With no -wal file next to it, the copy is complete in the file and `immutable=1` reads it without
    the shared-memory file SQLite would otherwise create; with a -wal file SQLite reads both (mode=ro).
    """
    uri = path.resolve().as_uri()
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return f"{uri}?mode=ro"
    return f"{uri}?mode=ro&immutable=1"


def check_sqlite_file(path: Path) -> None:
    """NotOurDatabase or DamagedDatabase unless `path` is missing, empty, or an escalation-engine database
    (or an empty SQLite database, which `init` or the first command fills)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise NotOurDatabase(f"{path} is a directory, not a database file: give --db a file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise NotOurDatabase(f"cannot read database file {path}: {exc.strerror}") from None
    if not header.startswith(SQLITE_MAGIC):
        raise NotOurDatabase(
            f"{path} is not an escalation-engine database (not a SQLite file): check --db or "
            "ESCALATION_ENGINE_DB; nothing was written"
        )
    _check_size(path, header)
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            names = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        problem = database_problem(exc, path)
        if problem is None:
            raise
        raise problem from None
    if names and "alembic_version" not in names:
        raise NotOurDatabase(
            f"{path} is a SQLite database of another program (it has tables but no escalation-engine "
            "schema): check --db or ESCALATION_ENGINE_DB; nothing was written"
        )


def _check_size(path: Path, header: bytes) -> None:
    if len(header) < 100:
        raise damaged(path, "the file is shorter than a SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged(path, f"the header gives an impossible page size {page_size}")
    size = path.stat().st_size
    pages = int.from_bytes(header[28:32], "big")
    header_size_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    # A process killed while it checkpointed the write-ahead log leaves a file shorter than its header says
    # (page 1 is written first); the log still holds every page, and SQLite completes the file from it.
    completed_by_wal = wal.exists() and wal.stat().st_size > 0
    if size % page_size or (header_size_valid and not completed_by_wal and size < pages * page_size):
        raise damaged(path, f"the file is {size} bytes, the header says {pages} pages of {page_size}")


def damaged(path: Path | str, detail: str) -> DamagedDatabase:
    return DamagedDatabase(
        f"database {path} is damaged ({detail}): nothing was written; restore it from a backup "
        "(the audit trail of a copy can be checked with `audit verify`)"
    )


def database_problem(exc: BaseException | None, where: Path | str) -> EngineError | None:
    """The engine error for a SQLite error that is about the file (damaged, not a database, read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    code &= 0xFF
    if code == SQLITE_CORRUPT:
        return damaged(where, str(exc))
    if code == SQLITE_NOTADB:
        return damaged(where, "SQLite says: file is not a database")
    if code == SQLITE_READONLY:
        return read_only_refusal(where)
    return None


def read_only_refusal(where: Path | str) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(
        f"database {where} is read-only (read-only media, or the file or its folder may not be written): "
        "only reading commands work on it — lists, show, deadlines, audit list/verify, export"
    )
