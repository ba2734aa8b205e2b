"""On SQLite a read (a page, a list) takes no write lock: it reads its snapshot beside a write that holds
the lock and beside other reads, instead of waiting for them (BEGIN IMMEDIATE stays for writes). A write
inside a read transaction is refused, not left to wait for the lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from escalation_engine.core.db import Database
from escalation_engine.core.tables import Contract


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'engine.db'}")
    db.upgrade()
    return db


def test_a_read_goes_on_while_a_write_holds_the_lock_and_sees_the_state_before_it(
    sqlite_db: Database,
) -> None:
    holding, done = threading.Event(), threading.Event()

    def writer() -> None:
        with sqlite_db.write() as session:
            session.execute(text("INSERT INTO contract_note_probe VALUES (1)"))
            holding.set()
            done.wait(10)

    with sqlite_db.write() as session:
        session.execute(text("CREATE TABLE contract_note_probe (n INTEGER)"))
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        t0 = time.monotonic()
        with sqlite_db.read() as session:
            seen = session.execute(text("SELECT COUNT(*) FROM contract_note_probe")).scalar_one()
            assert list(session.exec(select(Contract))) == []
        assert seen == 0 and time.monotonic() - t0 < 5  # not the 30 s busy timeout of a second writer
    finally:
        done.set()
        thread.join(10)
    with sqlite_db.read() as session:
        assert session.execute(text("SELECT COUNT(*) FROM contract_note_probe")).scalar_one() == 1
    sqlite_db.dispose()


def test_a_write_inside_a_read_transaction_is_refused_and_the_next_write_still_works(
    sqlite_db: Database,
) -> None:
    with sqlite_db.write() as session:
        session.execute(text("CREATE TABLE contract_note_probe (n INTEGER)"))
    with pytest.raises(RuntimeError, match="a write inside a read transaction"), sqlite_db.read() as session:
        session.execute(text("INSERT INTO contract_note_probe VALUES (1)"))
    with sqlite_db.write() as session:  # the same pooled connection, writable again
        session.execute(text("INSERT INTO contract_note_probe VALUES (2)"))
    with sqlite_db.read() as session:
        assert session.execute(text("SELECT n FROM contract_note_probe")).scalars().all() == [2]
    sqlite_db.dispose()
