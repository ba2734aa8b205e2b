"""Cells written for spreadsheets: a value that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, a
tab or a carriage return first) gets a leading apostrophe, as spreadsheet users expect (OWASP CSV injection)."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
