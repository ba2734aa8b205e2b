"""Read a table from CSV or Excel (.xlsx) into rows with their row numbers, as the file shows them.

The first row holds the column names (case and surrounding spaces ignored). Empty rows are skipped.
CSV: UTF-8 (a BOM is fine), separator ',' or ';' (detected from the header line, as Dutch Excel writes
';'). Excel: the first worksheet; a cell formatted as a percentage is marked so 95 % (stored 0.95) reads
as 95.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escalation_engine.core.errors import BadInput


@dataclass(frozen=True, slots=True)
class Cell:
    value: Any
    percent_format: bool = False

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value).strip()


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as the file shows it: the header is row 1
    cells: dict[str, Cell]

    def get(self, column: str) -> Cell:
        return self.cells.get(column, Cell(None))


def read_table(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    if suffix == ".csv":
        header, rows = _read_csv(path)
    elif suffix == ".xlsx":
        header, rows = _read_xlsx(path)
    else:
        raise BadInput(f"{path}: unsupported file type {suffix or '(none)'!r}: use .csv or .xlsx")
    parts = _header_problems(header, required, optional)
    if parts:
        raise BadInput(
            f"{path}: row 1: {'; '.join(parts)} (expected {', '.join(required + optional)}); nothing imported"
        )
    if not rows:
        raise BadInput(f"{path}: no data rows; nothing imported")
    return rows


def _header_problems(header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name and name not in required + optional]
    # a repeated column would be read from its last copy only, the other silently ignored
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    parts = [f"missing column(s) {', '.join(missing)}"] if missing else []
    parts += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
    parts += [f"repeated column(s) {', '.join(repeated)}"] if repeated else []
    return parts


def _names(values: list[Any]) -> list[str]:
    return [("" if value is None else str(value)).strip().lower() for value in values]


def _read_csv(path: Path) -> tuple[list[str], list[Row]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing imported"
        ) from None
    if not text.strip():
        raise BadInput(f"{path}: the file is empty; nothing imported")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # The csv module splits the records itself (only \r and \n end one, and not inside quotes):
    # str.splitlines() would also split at \x0b, \x0c, \x85 or \u2028 inside a cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:  # e.g. a field beyond csv's field size limit
        raise BadInput(f"{path}: row {reader.line_num}: {exc}; nothing imported") from None
    header = _names(list(records[0]))
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(field.strip() for field in record):
            continue
        if len(record) > len(header):
            raise BadInput(f"{path}: row {index}: more fields than columns; nothing imported")
        rows.append(Row(index, {name: Cell(value) for name, value in zip(header, record, strict=False)}))
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[Row]]:
    from openpyxl import load_workbook

    with path.open("rb") as handle:  # ours to close, also when openpyxl gives up halfway
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a damaged or non-Excel file
            raise BadInput(
                f"{path}: not a readable .xlsx workbook ({type(exc).__name__}); nothing imported"
            ) from None
        try:
            lines = _sheet_lines(book, path)
        finally:
            book.close()
        _refuse_uncomputed_formulas(handle, path, lines)
    if not lines:
        raise BadInput(f"{path}: the first worksheet is empty; nothing imported")
    header = _names([cell.value for cell in lines[0]])
    rows = []
    for index, line in enumerate(lines[1:], start=2):
        cells = {name: cell for name, cell in zip(header, line, strict=False) if name}
        outside = _outside_header(header, line)
        if all(cell.text == "" for cell in cells.values()) and outside is None:
            continue
        if outside is not None:
            raise BadInput(
                f"{path}: row {index}: a value in column {outside}, which has no column name in row 1; "
                "nothing imported"
            )
        rows.append(Row(index, cells))
    return header, rows


def _outside_header(header: list[str], line: list[Cell]) -> str | None:
    """The spreadsheet letter of the first filled cell without a column name above it (as CSV refuses
    a row with more fields than columns), or None."""
    from openpyxl.utils import get_column_letter

    for position, cell in enumerate(line):
        named = position < len(header) and header[position]
        if not named and cell.text != "":
            return str(get_column_letter(position + 1))
    return None


def _sheet_lines(book: Any, path: Path) -> list[list[Cell]]:
    """The first worksheet's cells; a read-only workbook parses the sheet (and looks up a cell's number
    format) only now, so a damaged workbook shows here."""
    try:
        return [
            [Cell(cell.value, "%" in str(getattr(cell, "number_format", "") or "")) for cell in line]
            for line in book.worksheets[0].iter_rows()
        ]
    except Exception as exc:  # XML ParseError, zip CRC error, a style index out of range (IndexError), …
        raise BadInput(
            f"{path}: not a readable .xlsx workbook (damaged worksheet: {type(exc).__name__}); nothing imported"
        ) from None


def _refuse_uncomputed_formulas(handle: Any, path: Path, lines: list[list[Cell]]) -> None:
    """A formula cell holds its value only once a spreadsheet program computed and saved it; read without
    one it looks empty, and a row of such cells would be skipped silently. Refuse it, naming the cell."""
    from openpyxl import load_workbook

    handle.seek(0)
    book = load_workbook(handle, read_only=True, data_only=False)
    try:
        for number, line in enumerate(book.worksheets[0].iter_rows(), start=1):
            for column, cell in enumerate(line):
                computed = lines[number - 1][column] if column < len(lines[number - 1]) else Cell(None)
                if getattr(cell, "data_type", None) == "f" and computed.value is None:
                    raise BadInput(
                        f"{path}: row {number}, column {getattr(cell, 'column_letter', column + 1)}: the formula "
                        f"{cell.value} has no computed value (open and save the file in Excel); nothing imported"
                    )
    finally:
        book.close()


def shown(text: str) -> str:
    """A cell's text as a message quotes it: as is, or escaped (`'0\\x0c0'`) when it holds control
    characters that would break the message's lines."""
    return text if text.isprintable() else repr(text)
