"""Reading an imported table: rows are numbered as the spreadsheet shows them, and nothing in the file
is silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.core.sheets import read_table
from tests.kpi_support import write_csv, write_xlsx

COLUMNS = ("kpi", "period", "value")


@pytest.mark.parametrize("odd", ["\x0b", "\x0c", "\x85", "\u2028", "\x1c"])
def test_a_line_separator_character_inside_a_cell_does_not_split_the_row(tmp_path: Path, odd: str) -> None:
    path = write_csv(
        tmp_path / "r.csv", list(COLUMNS), [[f"delivery{odd}x", "2026-01", "96"], ["kto", "2026", "7"]]
    )
    rows = read_table(path, COLUMNS)
    assert [row.number for row in rows] == [2, 3]
    assert rows[0].get("kpi").text == f"delivery{odd}x"
    assert rows[1].get("kpi").text == "kto"


def test_a_quoted_cell_over_two_lines_is_one_row_and_the_next_row_keeps_its_number(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv", list(COLUMNS), [["delivery", "2026-01", "96"], ["kto\nnote", "2026", "x"]]
    )
    path.write_text(path.read_text(encoding="utf-8") + "delivery,2026-02,97\r\n", encoding="utf-8")
    rows = read_table(path, COLUMNS)
    assert [row.number for row in rows] == [2, 3, 4]
    assert rows[1].get("kpi").text == "kto\nnote"


def test_an_xlsx_value_right_of_the_named_columns_refuses_the_file_naming_row_and_column(
    tmp_path: Path,
) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", list(COLUMNS), [["delivery", "2026-01", 96], ["kto", "2026", 7, "stray"]]
    )
    with pytest.raises(BadInput, match=r"row 3: a value in column D, which has no column name"):
        read_table(path, COLUMNS)


def test_an_xlsx_row_with_only_a_stray_value_is_refused_not_skipped(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", list(COLUMNS), [["delivery", "2026-01", 96], [None, None, None, "x"]]
    )
    with pytest.raises(BadInput, match=r"row 3: a value in column D"):
        read_table(path, COLUMNS)


def test_a_csv_row_with_more_fields_than_columns_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", list(COLUMNS), [["delivery", "2026-01", "96", "stray"]])
    with pytest.raises(BadInput, match=r"row 2: more fields than columns"):
        read_table(path, COLUMNS)


def test_a_message_quotes_a_cell_with_control_characters_escaped_and_a_plain_one_as_is() -> None:
    from escalation_engine.core.sheets import shown

    assert shown("DJI") == "DJI"
    assert shown("0\x0c0") == "'0\\x0c0'"
    assert "\n" not in shown("a\nb")
