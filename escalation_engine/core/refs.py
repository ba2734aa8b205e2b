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


# Each kind of case's page in the web application, by its reference's prefix (mail links point there).
WEB_PAGES = {
    "ESC": "/escalaties/",
    "PLAN": "/plannen/",
    "OBL": "/verplichtingen/",
    "STEP": "/step-in/",
    "SAN": "/sancties/",
    "VER": "/kpi-oordelen/",
}


def web_path(case: str | None) -> str | None:
    """The path of a case's page in the web application (`/escalaties/ESC-1`), None for no such page."""
    prefix = (case or "").partition("-")[0]
    return WEB_PAGES[prefix] + str(case) if prefix in WEB_PAGES else None


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


# Characters a one-line field never holds: control characters (CR/LF would break a mail header) and the
# bidirectional overrides that make a text read differently from what it is (U+202A-202E, U+2066-2069).
_NOT_IN_A_LINE = (
    {chr(c) for c in range(32)}
    | {chr(127)}
    | {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
)


def require_line(value: str | None, what: str) -> str:
    """A non-empty one-line text (a name, an organisation, a key): BadInput naming the field otherwise."""
    text = require_text(value, what)
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if ch in _NOT_IN_A_LINE})
    if bad:
        raise BadInput(
            f"{what} is one line of text: it may not hold {', '.join(bad)} (control or direction characters)"
        )
    return text
