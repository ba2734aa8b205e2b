"""Bad input, property-based (hypothesis): whatever the arguments, dates or profile files, the CLI ends
with exit 0, 2, 3 or 4 and a clear message — never a traceback or an internal fault — and a command
that fails leaves the database content exactly as it was."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from faults_support import sqlite_dump
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.cli.root import cli
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.dates import parse_date
from escalation_engine.core.db import Database
from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.ladder import actions as esc

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ALLOWED_EXITS = {0, 2, 3, 4}

text = st.text(max_size=24)
person = st.one_of(st.sampled_from(["dcm", "am", "cat", "catman", "sm", "exec", "nobody", ""]), text)
ref = st.one_of(
    st.sampled_from(["ESC-1", "esc-1", "1", "ESC-2", "ESC-0", "ESC--1", "PLAN-1", ""]),
    st.integers(-(10**20), 10**20).map(lambda n: f"ESC-{n}"),
    text,
)
number = st.one_of(st.integers(-(10**20), 10**20).map(str), st.sampled_from(["1", "2", "3", "4"]), text)
day = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "2026-13-01", "31-12-2026", "2026-1-1", "0000-01-01", " 2026-03-02", ""]),
    text,
)
contract = st.one_of(st.sampled_from(["LF", "lf", "XX", ""]), text)
acting = st.lists(st.sampled_from(["--json"]), max_size=1).flatmap(
    lambda flags: person.map(lambda p: [*flags, "--as", p])
)


def _command(*parts: st.SearchStrategy[Any] | str) -> st.SearchStrategy[list[str]]:
    return st.tuples(acting, *(st.just(p) if isinstance(p, str) else p for p in parts)).map(
        lambda t: [*t[0], *t[1:]]
    )


COMMANDS = st.one_of(
    _command("escalation", "open", "--contract", contract, "--subject", text, "--level", number),
    _command("escalation", "respond", ref, "--text", text),
    _command(
        "escalation",
        "assess",
        ref,
        st.sampled_from(["--sufficient", "--insufficient", "--x"]),
        "--reason",
        text,
    ),
    _command("escalation", "raise", ref, "--reason", text, "--to", number),
    _command("escalation", "refuse", ref, "--reason", text),
    _command("escalation", "close", ref, "--measures", text, "--results", text, "--lessons", text),
    _command("escalation", "show", ref),
    _command("escalation", "list", "--state", st.one_of(st.sampled_from(["open", "all"]), text)),
    _command(
        "contract",
        "add",
        text,
        "--profile",
        st.sampled_from(["leasefietsen-rijk", "nope"]),
        "--title",
        text,
        "--start",
        day,
        "--award",
        day,
    ),
    _command(
        "person",
        "add",
        text,
        "--contract",
        contract,
        "--name",
        text,
        "--side",
        st.sampled_from(["client", "supplier", "both"]),
        "--role",
        st.sampled_from(["category", "account_manager", "board", ""]),
        "--email",
        text,
    ),
    _command("deadlines", "--within", number, "--person", person, "--contract", contract),
    _command("audit", "list", "--case", ref),
    _command("audit", "verify", "--head", text),
    _command("profile", "show", text),
    st.lists(
        st.one_of(text, st.sampled_from(["escalation", "open", "--as", "--json", "--db", "-h"])), max_size=5
    ),
)


@pytest.fixture
def engine_db(tmp_path: Path) -> Path:
    path = tmp_path / "engine.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    ctx = Ctx(db=db, clock=SystemClock())
    register(ctx)
    esc.open_escalation(
        ctx, actor_key="dcm", contract_key="LF", subject="late", norm=None, participant=None, threatened=False
    )
    db.dispose()
    return path


def _run(args: list[str], path: Path) -> Result:
    return CliRunner().invoke(
        cli, args, env={"ESCALATION_ENGINE_DB": str(path), "ESCALATION_ENGINE_AS": None}
    )


def _check_outcome(args: list[str], result: Result) -> None:
    shown = f"{args!r} → exit {result.exit_code}:\n{result.output}{result.stderr}"
    assert result.exit_code in ALLOWED_EXITS, shown
    assert "Traceback" not in result.output + result.stderr, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    if result.exit_code != 0:
        message = result.stderr or result.output
        assert message.strip(), f"a failure says why: {shown}"


@SETTINGS
@given(args=COMMANDS)
@example(args=["deadlines", "--within", str(10**21)])  # was an internal fault (OverflowError)
@example(args=["--as", "am", "escalation", "respond", f"ESC-{10**20}", "--text", "x"])  # idem
def test_any_command_line_ends_in_a_clear_exit_and_a_failure_changes_nothing(
    engine_db: Path, args: list[str]
) -> None:
    before = sqlite_dump(engine_db)
    result = _run(args, engine_db)
    _check_outcome(args, result)
    if result.exit_code != 0:
        assert sqlite_dump(engine_db) == before, f"{args!r} failed (exit {result.exit_code}) but changed data"


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(text, day))
def test_a_date_is_either_a_real_calendar_day_or_refused_as_malformed(value: str) -> None:
    try:
        parsed = parse_date(value)
    except BadInput as exc:
        assert "expected YYYY-MM-DD" in exc.message
    else:
        assert parsed.isoformat() == value


def _mutations() -> st.SearchStrategy[tuple[list[str | int], Any]]:
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        text,
        st.lists(text, max_size=3),
        st.dictionaries(text, text, max_size=2),
        st.just("__delete__"),
    )
    return st.tuples(st.lists(st.one_of(text, st.integers(0, 6)), min_size=1, max_size=4), values)


def _mutate(data: Any, path: list[str | int], value: Any) -> Any:
    """Follow `path` (keys/indexes taken modulo what exists) and replace or delete what is there."""
    data = copy.deepcopy(data)
    node = data
    for depth, step in enumerate(path):
        keys = (
            list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        )
        if not keys:
            break
        key = keys[hash(step) % len(keys)] if isinstance(step, str) else keys[step % len(keys)]
        last = depth == len(path) - 1 or not isinstance(node[key], dict | list)
        if last:
            if value == "__delete__":
                del node[key]
            else:
                node[key] = value
            break
        node = node[key]
    return data


@SETTINGS
@given(
    mutations=st.lists(_mutations(), min_size=1, max_size=3),
    name=st.sampled_from(sorted(p.stem for p in WORKFLOWS.glob("*.yaml"))),
)
def test_a_damaged_profile_file_is_refused_with_a_message_naming_the_file(
    tmp_path: Path, name: str, mutations: list[tuple[list[str | int], Any]]
) -> None:
    data = yaml.safe_load((WORKFLOWS / f"{name}.yaml").read_text(encoding="utf-8"))
    for path, value in mutations:
        data = _mutate(data, path, value)
    target = tmp_path / "damaged.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _run(["profile", "check", str(target)], tmp_path / "unused.db")
    _check_outcome(["profile", "check", "damaged.yaml"], result)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert str(target) in result.stderr


@SETTINGS
@given(content=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_a_profile_file_of_garbage_is_refused_not_crashed_on(tmp_path: Path, content: str) -> None:
    target = tmp_path / "garbage.yaml"
    target.write_text(content, encoding="utf-8")
    result = _run(["profile", "check", str(target)], tmp_path / "unused.db")
    _check_outcome(["profile", "check", "garbage.yaml"], result)
    assert result.exit_code == 2
