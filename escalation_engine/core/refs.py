"""Case references (ESC-1, PLAN-2, …) and the plain checks of what a user types."""

from __future__ import annotations

import re

from escalation_engine.core.errors import BadInput

PREFIXES = {
    "escalation": "ESC",
    "plan": "PLAN",
    "stepin": "STEP",
    "obligation": "OBL",
    "kpi_verdict": "VER",
    "sanction": "SAN",
}


MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) can store


def case_ref(kind: str, ident: int | None) -> str:
    return f"{PREFIXES[kind]}-{ident}"


def parse_ref(kind: str, text: str) -> int:
    prefix = PREFIXES[kind]
    match = re.fullmatch(rf"(?:{prefix}-?)?(\d+)", text.strip(), flags=re.IGNORECASE)
    if not match:
        raise BadInput(f"malformed {kind} reference {text!r}: expected {prefix}-<number>, e.g. {prefix}-1")
    number = int(match.group(1))
    if number > MAX_ID:
        raise BadInput(f"{kind} reference {text!r} is out of range: no case has a number that large")
    return number


def require_text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{what} must not be empty")
    return value.strip()
