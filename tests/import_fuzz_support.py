"""Hypothesis strategies for `kpi import` files: garbage bytes, plausible CSVs with mutated headers and
cells, and .xlsx workbooks with mutated cells and types (or garbage named .xlsx)."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st

COLUMNS = ["kpi", "period", "value", "participant"]
# contract key, profile, the person importing, the KPIs a row may name
CONTRACTS = {
    "LF": ("leasefietsen-rijk", "cat", ["delivery", "isv-plan", "isv-report", "circ-pi1", "kto"]),
    "DEF": ("reintegratie-defensie", "cmcat", ["k1-received", "k7", "k12", "r-invoicing"]),
}
# one result already recorded per contract (an import repeating it is refused)
RECORDED = {"LF": ("delivery", "2026-02", "97", "DJI"), "DEF": ("k1-received", "2026-01", "88", None)}


@dataclass(frozen=True)
class ImportFile:
    """What to write (`content` bytes under `name`) and the data rows it holds, when we know them."""

    name: str
    content: bytes
    rows: list[list[Any]] | None = None
    header: list[Any] | None = None

    def __repr__(self) -> str:  # a failing example stays readable even with a 140 kB cell
        def short(value: object) -> str:
            text = repr(value)
            return text if len(text) <= 400 else f"{text[:300]}…({len(text)} chars)…{text[-60:]}"

        return f"ImportFile({self.name!r}, content={short(self.content)}, rows={short(self.rows)})"


junk = st.text(max_size=12)
huge = st.integers(-(10**40), 10**40)
periods = st.one_of(
    st.sampled_from(["2026-02", "2026-03", "2025-12", "2026-Q1", "2026-q2", "2026-H1", "2026", "2027"]),
    st.sampled_from(["2026-13", "2026-00", "26-02", "2026-Q5", "2026-H3", "0000", "10000-01", "2026/02"]),
    st.sampled_from(["２０２６-０２", " 2026-02 ", "2026-02-01", "Q1 2026", ""]),
    junk,
)
percent_text = st.one_of(
    st.decimals(min_value=0, max_value=100, places=3).map(str),
    st.sampled_from(["95,5", "94.9", "100", "100.0001", "-0", "-1", "0", "95 %", "1e2", "1E-7", "9_5"]),
    st.sampled_from(["NaN", "nan", "sNaN", "inf", "-Infinity", "1e999999999", "1e-999999999", "0x5F", "٩٥"]),
    st.sampled_from(["1,000.5", "95,5,5", "  ", "ja", "nee", "yes", "no", "1", "0", "true", "n/a"]),
    huge.map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
participants = st.one_of(
    st.sampled_from(["DJI", "Belastingdienst", "MinBZK", "", " DJI ", "dji", "Ministerie van Financiën"]),
    junk,
)


def _row(kpis: list[str]) -> st.SearchStrategy[list[Any]]:
    kpi = st.one_of(st.sampled_from([*kpis, "delivery-central", "KTO", " Delivery ", "nope", ""]), junk)
    return st.tuples(kpi, periods, percent_text, participants).map(list)


def _header() -> st.SearchStrategy[list[str]]:
    def mutate(header: list[str], how: str, where: int, name: str) -> list[str]:
        header = list(header)
        where %= len(header) or 1
        if how == "drop" and header:
            del header[where]
        elif how == "rename" and header:
            header[where] = name
        elif how == "add":
            header.insert(where, name)
        elif how == "duplicate" and header:
            header.insert(where, header[where])
        elif how == "case" and header:
            header[where] = f"  {header[where].upper()} "
        return header

    base = st.one_of(st.just(COLUMNS), st.just(COLUMNS[:3]), st.permutations(COLUMNS))
    how = st.sampled_from(["keep", "keep", "keep", "drop", "rename", "add", "duplicate", "case"])
    return st.tuples(base, how, st.integers(0, 5), junk).map(lambda t: mutate(*t))


def _table(draw: st.DrawFn, kpis: list[str]) -> tuple[list[str], list[list[Any]]]:
    header = draw(_header())
    rows = draw(st.lists(_row(kpis), max_size=6))
    if rows and draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))  # a duplicate row
    if draw(st.integers(0, 20)) == 0:
        rows.append(["delivery", "2026-02", "9" * 140_000, "DJI"])  # a cell beyond csv's field limit
    return header, rows


def _encode_csv(draw: st.DrawFn, header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=draw(st.sampled_from([",", ";", ",", ";", "\t", "|"])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
    )
    writer.writerow(header)
    writer.writerows([[str(cell) for cell in row] for row in rows])
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw: st.DrawFn, contract: str) -> ImportFile:
    header, rows = _table(draw, CONTRACTS[contract][2])
    content = _encode_csv(draw, header, rows)
    if draw(st.integers(0, 8)) == 0:  # damage the bytes a little: truncate or insert junk
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(max_size=8)) + content[at + draw(st.integers(0, 4)) :]
    name = draw(st.sampled_from(["results.csv", "RESULTS.CSV", "résultats maart.csv"]))
    return ImportFile(name, content, rows, header)


@st.composite
def garbage_files(draw: st.DrawFn) -> ImportFile:
    content = draw(st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)))
    name = draw(st.sampled_from(["data.csv", "data.xlsx", "data.XLSX", "data.txt", "data", ".csv"]))
    return ImportFile(name, content)


# --- Excel -------------------------------------------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    huge,
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(0, 1.5),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    # Excel cells hold naive date-times
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),  # noqa: DTZ001
    st.times(),
    st.sampled_from(["=95", "=1/0", "=A1", "=SUM(C2:C3)", "#N/A", "#DIV/0!"]),
    percent_text,
    periods,
    participants,
)


def _xlsx_row(kpis: list[str]) -> st.SearchStrategy[list[Any]]:
    kpi = st.one_of(st.sampled_from([*kpis, "nope"]), cell_values)
    period = st.one_of(periods, st.integers(2025, 2027), cell_values)
    value = st.one_of(st.floats(0, 1), st.integers(0, 100), percent_text, cell_values)
    return st.tuples(kpi, period, value, st.one_of(participants, cell_values)).map(list)


def _clean(value: Any) -> Any:
    """openpyxl refuses control characters in strings (they cannot be stored in the XML)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _workbook(header: list[Any], rows: list[list[Any]], percent: set[int], empty_first: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if empty_first:
        sheet = book.create_sheet("data")
    sheet.append([_clean(name) for name in header])
    for row in rows:
        sheet.append([_clean(cell) for cell in row])
    for column in percent:
        for cells in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            for cell in cells:
                cell.number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def xlsx_files(draw: st.DrawFn, contract: str) -> ImportFile:
    header = draw(st.one_of(_header(), st.lists(cell_values, max_size=5)))
    rows = draw(st.lists(_xlsx_row(CONTRACTS[contract][2]), max_size=6))
    if rows and draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))
    percent = draw(st.sets(st.integers(1, 5), max_size=2))
    content = _workbook(header, rows, percent, empty_first=draw(st.integers(0, 10)) == 0)
    return ImportFile("report.xlsx", draw(_damaged(content)), rows, header)


def _damaged(content: bytes) -> st.SearchStrategy[bytes]:
    """The workbook as written, or with flipped/truncated bytes, or a zip with a broken sheet."""

    def flip(seed: int) -> bytes:
        data = bytearray(content)
        rng = random.Random(seed)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)

    return st.one_of(
        st.just(content),
        st.just(content),
        st.just(content),
        st.integers(0, 2**32).map(flip),
        st.integers(0, len(content)).map(lambda n: content[:n]),
        st.binary(max_size=20).map(lambda junk_xml: with_broken_sheet(content, junk_xml)),
    )


def with_broken_sheet(content: bytes, junk_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML cut in half (a valid zip that openpyxl opens lazily)."""
    return with_sheet_xml(content, lambda data: data[: len(data) // 2] + junk_xml)


def with_sheet_xml(content: bytes, change: Any) -> bytes:
    """The workbook with `change` applied to its first sheet's XML."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return buffer.getvalue()


def well_formed_rows(contract: str) -> st.SearchStrategy[list[list[str]]]:
    """Rows that must all be accepted: known KPIs, right period kinds, values in range, no repeats."""
    if contract == "LF":
        one = st.one_of(
            st.tuples(
                st.just("delivery"),
                st.sampled_from(["2026-01", "2026-03", "2026-04"]),
                st.decimals(0, 100, places=2).map(str),
                st.sampled_from(["DJI", "MinBZK", "Belastingdienst", "Rechtspraak"]),
            ),
            st.tuples(
                st.just("isv-report"),
                st.sampled_from(["2026", "2027"]),
                st.sampled_from(["ja", "nee"]),
                st.just(""),
            ),
        )
    else:
        one = st.tuples(
            st.sampled_from(["k1-uwv", "k7", "k11", "r-reporting"]),
            st.sampled_from(["2026-02", "2026-03", "2026-Q1", "2026-Q2"]),
            st.one_of(st.decimals(0, 100, places=3).map(str), st.sampled_from(["95,5", "100", "0"])),
            st.just(""),
        )
    unique = st.lists(one, min_size=1, max_size=6, unique_by=lambda r: (r[0], r[1], r[3]))
    return unique.map(lambda rows: [list(row) for row in rows])


def xlsx_bytes(header: list[Any], rows: list[list[Any]], percent: set[int] | None = None) -> bytes:
    return _workbook(header, rows, percent or set(), empty_first=False)


def plain_csv(header: list[str], rows: list[list[Any]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode()


# --- survey grades (B2 §2.3: participant, topic, grade 1-10) -------------------------------------------

TOPICS = ["1a", "1b", "2a", "2b", "2c", "3", "4a", "4b", "5", "6a", "6b", "7"]
grades = st.one_of(
    st.integers(1, 10).map(str),
    st.sampled_from(["0", "11", "7,5", "7.0", "-3", " 8 ", "²", "٧", "x", "", "9" * 5000]),
    huge.map(str),
    junk,
)


@st.composite
def survey_files(draw: st.DrawFn) -> ImportFile:
    header = draw(
        st.one_of(
            st.just(["participant", "topic", "grade"]), st.permutations(["participant", "topic", "grade"])
        )
    )
    row = st.tuples(participants, st.one_of(st.sampled_from(TOPICS), junk), grades).map(list)
    rows = draw(st.lists(row, max_size=6))
    if draw(st.booleans()):
        content = _encode_csv(draw, header, rows)
        return ImportFile("survey.csv", content, rows, header)
    cells = st.one_of(st.integers(0, 11), st.floats(0, 11), cell_values)
    rows = [[cell if draw(st.integers(0, 3)) else draw(cells) for cell in row] for row in rows]
    return ImportFile("survey.xlsx", draw(_damaged(_workbook(header, rows, set(), False))), rows, header)
