"""Bad imports, property-based (hypothesis): whatever file `kpi import` is given — garbage bytes, a CSV with
mutated headers and cells, an .xlsx with odd cell types or a damaged workbook — the CLI ends with exit 0,
2, 3 or 4 and one JSON document, never a traceback or an internal fault. A refused file names the row and
column it was refused for and leaves the database exactly as it was; an accepted file adds exactly its
measurements and one audit row — all rows or none (SPEC §5)."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from faults_support import sqlite_dump
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from import_fuzz_support import (
    CONTRACTS,
    RECORDED,
    ImportFile,
    csv_files,
    garbage_files,
    plain_csv,
    survey_files,
    well_formed_rows,
    with_broken_sheet,
    with_sheet_xml,
    xlsx_bytes,
    xlsx_files,
)
from support import register
from test_bad_input import _check_outcome, _run

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import SystemClock
from escalation_engine.core.db import Database
from escalation_engine.procedures.kpis import results as kpis

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# refusals of the file as a whole (they name the file; there is no row to name)
FILE_LEVEL = (
    "no such file",
    "unsupported file type",
    "not UTF-8",
    "the file is empty",
    "not a readable .xlsx workbook",
    "the first worksheet is empty",
    "no data rows",
)
PROBLEM_LINE = re.compile(r"row \d+(, column (kpi|period|value|participant|topic|grade))?: \S")
IMPORT_INSERTS = (
    'INSERT INTO "kpi_measurement"',
    'INSERT INTO "audit_event"',
    'INSERT INTO "sqlite_sequence"',
)
SURVEY_INSERTS = ('INSERT INTO "survey_round"', 'INSERT INTO "survey_grade"', *IMPORT_INSERTS[1:])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with a contract of each profile, each with one result already recorded."""
    path = tmp_path_factory.mktemp("import") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    ctx = Ctx(db=db, clock=SystemClock())
    for key, (profile, actor, _) in CONTRACTS.items():
        register(ctx, key=key, profile=profile)
        kpi, period, value, participant = RECORDED[key]
        kpis.record(
            ctx,
            actor_key=actor,
            contract_key=key,
            kpi=kpi,
            period=period,
            value=value,
            participant=participant,
        )
    db.dispose()
    return path


@pytest.fixture
def fresh_db(template: Path) -> Iterator[Any]:
    """A factory: a private copy of the template database per hypothesis example."""
    with tempfile.TemporaryDirectory() as scratch:
        counter = iter(range(10**9))

        def make() -> Path:
            target = Path(scratch) / f"engine-{next(counter)}.db"
            shutil.copyfile(template, target)
            return target

        yield make


def _import(db: Path, contract: str, file: ImportFile, *, actor: str | None = None) -> tuple[Path, Result]:
    target = db.parent / f"{db.stem}-in" / file.name
    target.parent.mkdir()
    target.write_bytes(file.content)
    who = CONTRACTS[contract][1] if actor is None else actor
    args = ["--json", "--as", who, "kpi", "import", "--contract", contract, "--file", str(target)]
    return target, _run(args, db)


def _check_refusal(target: Path, result: Result, *, file_refused: bool) -> None:
    error = json.loads(result.stdout)["error"]
    message = error["message"]
    assert error["exit_code"] == result.exit_code, message
    if not file_refused:
        return  # the contract or the acting person was refused, not the file
    assert target.name in message, f"the refusal names the file: {message}"
    if any(reason in message for reason in FILE_LEVEL):
        return
    assert re.search(r"\brow \d+", message), f"a refused file names the row: {message}"
    if "refused whole" in message:
        problems = [line.strip() for line in message.splitlines()[1:] if not line.strip().startswith("…")]
        assert problems, message
        for line in problems:
            assert PROBLEM_LINE.match(line), f"each problem names its row (and column): {line!r}"


def _check_acceptance(before: list[str], after: list[str], result: Result, file: ImportFile) -> None:
    data = json.loads(result.stdout)
    added = sorted((Counter(after) - Counter(before)).elements())
    removed = sorted((Counter(before) - Counter(after)).elements())
    assert all(line.startswith('INSERT INTO "sqlite_sequence"') for line in removed), removed
    assert all(line.startswith(IMPORT_INSERTS) for line in added), added
    measurements = [line for line in added if line.startswith(IMPORT_INSERTS[0])]
    audits = [line for line in added if line.startswith(IMPORT_INSERTS[1])]
    assert len(measurements) == data["imported"] >= 1, (data, added)
    assert len(audits) == 1 and "kpi.import" in audits[0], audits
    if file.rows is not None:
        rows = [row for row in file.rows if any(str(cell).strip() for cell in row if cell is not None)]
        assert data["imported"] == len(rows), f"all rows or none: {data} from {file.rows!r}"
    if file.header is not None:
        names = [str(name).strip().lower() for name in file.header if name is not None and str(name).strip()]
        assert len(names) == len(set(names)), f"a repeated column is refused, not read once: {file.header}"


def _check_import(db: Path, contract: str, file: ImportFile, *, actor: str | None = None) -> Result:
    """Import `file` through the CLI and check the outcome; the contract and actor are valid unless given."""
    before = sqlite_dump(db)
    target, result = _import(db, contract, file, actor=actor)
    _check_outcome(["kpi", "import", file.name], result)
    after = sqlite_dump(db)
    if result.exit_code == 0:
        _check_acceptance(before, after, result, file)
    else:
        assert after == before, f"a refused import (exit {result.exit_code}) changed the database"
        _check_refusal(target, result, file_refused=actor is None and result.exit_code == 2)
    return result


contracts = st.sampled_from(sorted(CONTRACTS))


@SETTINGS
@given(file=garbage_files(), contract=contracts)
def test_a_file_of_garbage_is_refused_cleanly_and_changes_nothing(
    fresh_db: Any, file: ImportFile, contract: str
) -> None:
    _check_import(fresh_db(), contract, file)


HUGE_CELL = ImportFile(  # was an internal fault: csv.Error "field larger than field limit (131072)"
    "big.csv", b"kpi,period,value,participant\ndelivery,2026-02," + b"9" * 140_000 + b",DJI\n"
)


REPEATED = ImportFile(  # was accepted, the first 'value' column silently ignored
    "repeated.csv",
    b"kpi,period,value,participant,value\ndelivery,2026-03,n/a,DJI,97\n",
    [["delivery", "2026-03", "n/a", "DJI", "97"]],
    ["kpi", "period", "value", "participant", "value"],
)


@SETTINGS
@given(case=contracts.flatmap(lambda c: st.tuples(st.just(c), csv_files(c))))
@example(case=("LF", HUGE_CELL))
@example(case=("LF", REPEATED))
def test_any_csv_ends_in_a_clear_exit_and_is_imported_whole_or_not_at_all(
    fresh_db: Any, case: tuple[str, ImportFile]
) -> None:
    contract, file = case
    _check_import(fresh_db(), contract, file)


BROKEN_SHEET = ImportFile(  # was an internal fault: ParseError while reading the (lazily parsed) sheet
    "report.xlsx",
    with_broken_sheet(xlsx_bytes(["kpi", "period", "value"], [["k7", "2026-02", 97]]), b""),
)


UNKNOWN_STYLE = ImportFile(  # was an internal fault: IndexError looking up the number format of style 99
    "report.xlsx",
    with_sheet_xml(
        xlsx_bytes(["kpi", "period", "value"], [["k7", "2026-02", 0.97]]),
        lambda xml: xml.replace(b'<c r="C2" t="n">', b'<c r="C2" t="n" s="99">'),
    ),
)
UNCOMPUTED = ImportFile(  # was accepted without its middle row: formulas without a saved value read as empty
    "report.xlsx",
    xlsx_bytes(
        ["kpi", "period", "value"],
        [["k7", "2026-02", 97], ['="k7"', '="2026-03"', "=95"], ["k7", "2026-04", 96]],
    ),
    [["k7", "2026-02", 97], ['="k7"', '="2026-03"', "=95"], ["k7", "2026-04", 96]],
)
PERCENT_TEXT = [  # were internal faults: decimal InvalidOperation / Overflow scaling a percent-formatted cell
    ImportFile("report.xlsx", xlsx_bytes(["kpi", "period", "value"], [["k7", "2026-02", text]], {3}))
    for text in ("sNaN", "1e999999999")
]


@SETTINGS
@given(case=contracts.flatmap(lambda c: st.tuples(st.just(c), xlsx_files(c))))
@example(case=("DEF", BROKEN_SHEET))
@example(case=("DEF", UNKNOWN_STYLE))
@example(case=("DEF", UNCOMPUTED))
@example(case=("DEF", PERCENT_TEXT[0]))
@example(case=("DEF", PERCENT_TEXT[1]))
def test_any_xlsx_ends_in_a_clear_exit_and_is_imported_whole_or_not_at_all(
    fresh_db: Any, case: tuple[str, ImportFile]
) -> None:
    contract, file = case
    _check_import(fresh_db(), contract, file)


@settings(SETTINGS, max_examples=40)
@given(
    data=st.data(),
    contract=contracts,
    kind=st.sampled_from(["csv", "csv;", "xlsx"]),
    bom=st.booleans(),
)
def test_a_well_formed_file_is_imported_whole_adding_only_its_results_and_one_audit_row(
    fresh_db: Any, data: st.DataObject, contract: str, kind: str, bom: bool
) -> None:
    rows = data.draw(well_formed_rows(contract))
    header = ["kpi", "period", "value", "participant"]
    if kind == "xlsx":
        file = ImportFile("results.xlsx", xlsx_bytes(header, rows), rows)
    else:
        content = plain_csv(header, rows, delimiter=kind[3:] or ",")
        file = ImportFile("results.csv", (b"\xef\xbb\xbf" if bom else b"") + content, rows)
    result = _check_import(fresh_db(), contract, file)
    assert result.exit_code == 0, result.stdout


@settings(SETTINGS, max_examples=20)
@given(
    contract=st.sampled_from([*CONTRACTS, "XX", ""]),
    actor=st.sampled_from(["cat", "cmcat", "nobody", ""]),
    rows=well_formed_rows("LF"),
)
def test_an_import_for_an_unknown_contract_or_person_is_refused_and_changes_nothing(
    fresh_db: Any, contract: str, actor: str, rows: list[list[str]]
) -> None:
    file = ImportFile("results.csv", plain_csv(["kpi", "period", "value", "participant"], rows), rows)
    result = _check_import(fresh_db(), contract, file, actor=actor)
    if contract != "LF" or actor != "cat":
        assert result.exit_code in (2, 4), f"{contract=} {actor=}: {result.stdout}"


IMPOSSIBLE_COUNTS = ["--invited", "3", "--responded", "9"]


@SETTINGS
@given(
    file=st.one_of(survey_files(), garbage_files()),
    counts=st.sampled_from([[], ["--invited", "10", "--responded", "7"], IMPOSSIBLE_COUNTS]),
)
@example(  # were internal faults: int('²') and int() of a 5,000-digit grade (ValueError)
    file=ImportFile("survey.csv", b"participant,topic,grade\nDJI,1a,\xc2\xb2\nDJI,1b," + b"9" * 5000 + b"\n"),
    counts=[],
)
def test_any_survey_file_ends_in_a_clear_exit_and_is_imported_whole_or_not_at_all(
    fresh_db: Any, file: ImportFile, counts: list[str]
) -> None:
    db = fresh_db()
    before = sqlite_dump(db)
    target = db.parent / file.name
    target.write_bytes(file.content)
    args = ["--json", "--as", "cat", "survey", "import", "--contract", "LF", "--file", str(target), *counts]
    result = _run(args, db)
    _check_outcome(["survey", "import", file.name], result)
    after = sqlite_dump(db)
    if result.exit_code != 0:
        assert after == before, f"a refused survey import (exit {result.exit_code}) changed the database"
        # with impossible counts the refusal may be about them rather than the file
        _check_refusal(target, result, file_refused=result.exit_code == 2 and counts != IMPOSSIBLE_COUNTS)
        return
    added = sorted((Counter(after) - Counter(before)).elements())
    assert all(line.startswith(SURVEY_INSERTS) for line in added), added
    grades = [line for line in added if line.startswith(SURVEY_INSERTS[1])]
    assert len(grades) == json.loads(result.stdout)["grades"] >= 1
    assert sum(line.startswith(SURVEY_INSERTS[0]) for line in added) == 1
