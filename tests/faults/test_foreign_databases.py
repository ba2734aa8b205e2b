"""Databases that are not ours — a file that is not SQLite, another program's SQLite file, a damaged
(truncated or garbled) engine database, a schema newer than this engine — each end with their own
message and exit code on every command, `init` included, and the file's bytes stay exactly as they were.
A read-only archived copy can be listed, verified and exported; a writing command on it is refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults_support import EXE

COMMANDS = [
    ["init"],
    ["escalation", "list"],
    ["deadlines"],
    ["audit", "verify"],
    ["contract", "list"],
    ["tick"],
    ["--as", "dcm", "escalation", "open", "--contract", "LF", "--participant", "x", "--subject", "s"],
]
READING = [
    ["escalation", "list"],
    ["deadlines"],
    ["audit", "list"],
    ["audit", "verify"],
    ["audit", "export", "--format", "csv"],
    ["escalation", "show", "ESC-1"],
    ["contract", "list"],
    ["obligations"],
    ["report", "--contract", "LF"],
]


def run(db: Path, *args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ESCALATION_ENGINE_DB": str(db)}
    env.pop("ESCALATION_ENGINE_DEBUG", None)
    as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user is not None else []
    return subprocess.run([*as_user, EXE, *args], capture_output=True, text=True, env=env, timeout=60)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def engine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real engine database with the lease-bicycle contract, checkpointed into one file."""
    folder = tmp_path_factory.mktemp("made")
    path = folder / "engine.db"
    steps = [
        ["init"],
        [
            "contract",
            "add",
            "LF",
            "--profile",
            "leasefietsen-rijk",
            "--title",
            "Lease",
            "--start",
            "2026-01-01",
        ],
        ["participant", "add", "--contract", "LF", "--name", "DJI"],
        ["person", "add", "dcm", "--contract", "LF", "--name", "Dirk", "--side", "participant", "--role"]
        + ["participant_contract_manager", "--organisation", "DJI"],
        ["person", "add", "am", "--contract", "LF", "--name", "Anna", "--side", "supplier", "--role"]
        + ["account_manager"],
        [
            "person",
            "add",
            "cat",
            "--contract",
            "LF",
            "--name",
            "Carla",
            "--side",
            "client",
            "--role",
            "category",
        ],
        [
            "--as",
            "dcm",
            "escalation",
            "open",
            "--contract",
            "LF",
            "--subject",
            "Late",
            "--participant",
            "DJI",
        ],
    ]
    for step in steps:
        made = run(path, *step)
        assert made.returncode == 0, (step, made.stderr)
    assert not path.with_name("engine.db-wal").exists()  # checkpointed: the whole database is in the file
    return path


def not_sqlite(folder: Path, _engine: Path) -> Path:
    path = folder / "notes.db"
    path.write_bytes(b"Minutes of the quarterly meeting\n" * 100)
    return path


def other_programs_sqlite(folder: Path, _engine: Path) -> Path:
    path = folder / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (number TEXT)")
    connection.close()
    return path


def truncated(folder: Path, engine: Path) -> Path:
    path = folder / "truncated.db"
    data = engine.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def garbled(folder: Path, engine: Path) -> Path:
    path = folder / "garbled.db"
    data = bytearray(engine.read_bytes())
    data[4096:] = bytes((i * 7 + 13) % 251 for i in range(len(data) - 4096))  # every page after the header
    path.write_bytes(bytes(data))
    return path


def newer_schema(folder: Path, engine: Path) -> Path:
    path = folder / "newer.db"
    shutil.copy(engine, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0999'")
    connection.close()
    return path


CASES = [
    (not_sqlite, 2, "not a SQLite file"),
    (other_programs_sqlite, 2, "SQLite database of another program"),
    (truncated, 5, "is damaged"),
    (garbled, 5, "is damaged"),
    (newer_schema, 4, "revision 0999, which this engine"),
]


@pytest.mark.parametrize(("make", "code", "message"), CASES, ids=[c[0].__name__ for c in CASES])
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_a_database_that_is_not_ours_is_refused_with_its_own_message_and_left_byte_for_byte(
    tmp_path: Path, engine_db: Path, make: object, code: int, message: str, command: list[str]
) -> None:
    path = make(tmp_path, engine_db)  # type: ignore[operator]
    before = digest(path)
    result = run(path, *command)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr and "internal fault" not in result.stderr
    assert digest(path) == before


def test_an_empty_file_is_a_fresh_database_not_a_foreign_one(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    assert run(path, "init").returncode == 0
    assert run(path, "escalation", "list").returncode == 0


@pytest.fixture
def read_only_copy(engine_db: Path) -> Iterator[tuple[Path, int | None]]:
    """The engine database as an archive: file 0444 in a 0555 folder, so no -wal/-shm can be made.
    As root (who ignores permissions) the commands run as user `nobody` so the permissions really hold;
    the folder sits in its own 0755 temporary folder (pytest's own are 0700, closed to `nobody`)."""
    outer = Path(tempfile.mkdtemp(prefix="archive-"))
    outer.chmod(0o755)
    folder = outer / "archive"
    folder.mkdir()
    path = folder / "archive.db"
    shutil.copy(engine_db, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    user = None
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop to a user the permissions bind")
        user = 65534
        probe = run(path, "--version", user=user)
        if probe.returncode != 0:
            pytest.skip(f"user nobody cannot run the engine here: {probe.stderr.strip()}")
    yield path, user
    folder.chmod(0o755)
    shutil.rmtree(outer)


@pytest.mark.parametrize("command", READING, ids=[" ".join(c) for c in READING])
def test_reading_commands_work_on_a_read_only_archived_copy(
    read_only_copy: tuple[Path, int | None], command: list[str]
) -> None:
    path, user = read_only_copy
    before = digest(path)
    result = run(path, "--as", "cat", *command, user=user)
    assert result.returncode == 0, result.stderr
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["archive.db"]


def test_a_writing_command_on_a_read_only_copy_is_refused_clearly(
    read_only_copy: tuple[Path, int | None],
) -> None:
    path, user = read_only_copy
    before = digest(path)
    for command in (
        ["init"],
        ["tick"],
        ["--as", "dcm", "escalation", "open", "--contract", "LF", "--subject", "s", "--participant", "DJI"],
    ):
        result = run(path, *command, user=user)
        assert result.returncode == 3, (command, result.stderr)
        assert "is read-only" in result.stderr and "Traceback" not in result.stderr
    assert digest(path) == before


def test_the_read_only_test_really_binds_the_permissions(read_only_copy: tuple[Path, int | None]) -> None:
    """Proof that the archive folder is read-only for the user the commands run as (not a no-op test)."""
    path, user = read_only_copy
    probe = [sys.executable, "-c", f"open({str(path.parent / 'x')!r}, 'w')"]
    as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user is not None else []
    assert subprocess.run([*as_user, *probe], capture_output=True).returncode != 0
