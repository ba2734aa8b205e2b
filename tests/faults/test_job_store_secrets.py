"""The daemon keeps no secret in the database: its one metronome job lives in memory and gets the database
by reference, so neither the URL nor its password lands in any table (the old `apscheduler_jobs` did)."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

from sqlalchemy import inspect, text
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.app.daemon import run_daemon
from escalation_engine.core.db import Database
from escalation_engine.procedures.ladder import actions as esc


def _with_secret(db_url: str, secret: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):  # SQLite has no password: the file's path is what the daemon was given
        return f"sqlite:///{tmp_path / secret / 'engine.db'}"
    return db_url.replace("postgresql://postgres@", f"postgresql://postgres:{secret}@", 1)


def test_no_table_holds_the_database_url_or_its_password_after_the_daemon_ran(
    db_url: str, tmp_path: Path
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    url = _with_secret(db_url, secret, tmp_path)
    assert secret in url
    (tmp_path / secret).mkdir()
    db = Database(url)
    try:
        db.upgrade()
        ctx = Ctx(db=db)
        register(ctx)
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="Availability",
            norm=None,
            participant=None,
            threatened=False,
        )
        stop, beats = threading.Event(), []

        def on_beat(report: dict[str, object]) -> None:
            beats.append(report)
            if len(beats) >= 2:
                stop.set()

        runner = threading.Thread(
            target=run_daemon,
            args=(db,),
            kwargs={"interval": 0.2, "stop": stop, "on_beat": on_beat, "install_signals": False},
        )
        runner.start()
        runner.join(timeout=30)
        assert not runner.is_alive() and len(beats) >= 2
        with db.engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            assert "apscheduler_jobs" not in tables
            for table in tables:
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    cells = " ".join(str(value) for value in row)
                    assert secret not in cells and url not in cells, table
        if db.sqlite_path is not None:  # and not in the file's bytes either (the WAL included)
            for path in db.sqlite_path.parent.iterdir():
                assert secret.encode() not in path.read_bytes(), path.name
    finally:
        db.dispose()
