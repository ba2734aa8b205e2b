"""A process killed while it checkpointed SQLite's write-ahead log (the daemon, kill -9) can leave the
database file shorter than its header says: the checkpoint writes page 1 — the header with the new size —
before the pages after it. The log still holds every page and SQLite completes the file from it, so such a
database opens and reads whole; without a log to complete it, the same file is refused as damaged."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from escalation_engine.core import db_files
from escalation_engine.core.errors import DamagedDatabase

WAL_HEADER, FRAME_HEADER = 32, 24


def _crashed_mid_checkpoint(tmp_path: Path) -> Path:
    """A WAL database grown by a transaction still in the log, then page 1 of the log written into the file
    (as a checkpoint does first) and the process gone: the file is shorter than its new header says."""
    made = tmp_path / "made.db"
    holder = sqlite3.connect(made, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("CREATE TABLE alembic_version (version_num TEXT)")  # an engine database's mark
    holder.execute("CREATE TABLE note (n INTEGER, text TEXT)")
    holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    holder.executemany("INSERT INTO note VALUES (?, ?)", [(n, "x" * 500) for n in range(2000)])
    crashed = tmp_path / "crashed.db"
    shutil.copyfile(made, crashed)  # the file and its log as a killed process leaves them
    shutil.copyfile(made.with_name("made.db-wal"), crashed.with_name("crashed.db-wal"))
    holder.close()
    page_size = int.from_bytes(crashed.read_bytes()[16:18], "big")
    log = crashed.with_name("crashed.db-wal").read_bytes()
    first = None
    for at in range(WAL_HEADER, len(log) - FRAME_HEADER - page_size + 1, FRAME_HEADER + page_size):
        if int.from_bytes(log[at : at + 4], "big") == 1:
            first = log[at + FRAME_HEADER : at + FRAME_HEADER + page_size]
    assert first is not None
    with crashed.open("r+b") as handle:
        handle.write(first)
    assert crashed.stat().st_size < int.from_bytes(first[28:32], "big") * page_size
    return crashed


def test_a_database_whose_checkpoint_was_cut_off_opens_and_reads_whole(tmp_path: Path) -> None:
    crashed = _crashed_mid_checkpoint(tmp_path)
    db_files.check_sqlite_file(crashed)  # not refused: its log completes it
    with sqlite3.connect(crashed) as connection:
        assert connection.execute("SELECT COUNT(*) FROM note").fetchone() == (2000,)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_the_same_file_without_its_log_is_refused_as_damaged(tmp_path: Path) -> None:
    crashed = _crashed_mid_checkpoint(tmp_path)
    crashed.with_name("crashed.db-wal").unlink()
    with pytest.raises(DamagedDatabase, match="the header says"):
        db_files.check_sqlite_file(crashed)
