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
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_NOT_IN_A_LINE = {chr(c) for c in range(32)} | {chr(127)} | _BIDI
# A multi-line text (minutes, measures, a response) keeps its line breaks, and nothing else of those.
_NOT_IN_LINES = _NOT_IN_A_LINE - {"\n"}


def forbidden(text: str, multi_line: bool = False) -> list[str]:
    """The code points of `text` a one-line (or multi-line) field may not hold, written U+0000-style (four hex digits), sorted."""
    banned = _NOT_IN_LINES if multi_line else _NOT_IN_A_LINE
    return sorted({f"U+{ord(ch):04X}" for ch in text if ch in banned})


def line_problem(what: str, bad: list[str], multi_line: bool = False) -> BadInput:
    refused = (
        "control characters U+0000-U+001F and U+007F, direction overrides U+202A-U+202E and U+2066-U+2069"
    )
    if multi_line:
        return BadInput(f"{what} may hold line breaks but not {', '.join(bad)} (refused: other {refused})")
    return BadInput(f"{what} is one line of text: it may not hold {', '.join(bad)} (refused: {refused})")


def normalise_lines(text: str) -> str:
    """Windows (CR LF) and old Mac (CR) line breaks become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def require_line(value: str | None, what: str) -> str:
    """A non-empty one-line text (a name, a subject, a key): BadInput naming the field otherwise."""
    text = require_text(value, what)
    bad = forbidden(text)
    if bad:
        raise line_problem(what, bad)
    return text


def optional_line(value: str | None, what: str) -> str | None:
    """`require_line` for an optional field: None (not given) stays None."""
    return None if value is None else require_line(value, what)


def require_lines(value: str | None, what: str) -> str:
    """A non-empty text of one or more lines (minutes, measures, a response): CR LF becomes LF; other
    control characters and direction overrides are refused, naming the field."""
    text = normalise_lines(require_text(value, what))
    bad = forbidden(text, multi_line=True)
    if bad:
        raise line_problem(what, bad, multi_line=True)
    return text


def as_one_line(text: str) -> str:
    """`text` made one line for a mail subject or header (stored text may predate the checks): every run of
    control or direction characters becomes one space."""
    return " ".join("".join(" " if ch in _NOT_IN_A_LINE else ch for ch in text).split())


# Fields (columns, notice values) that hold more than one line by nature.
MULTI_LINE = frozenset(
    {
        "text",
        "minutes",
        "measures",
        "results",
        "lessons",
        "response",
        "response_text",
        "reason",
        "finding",
        "explanation",
        "follow_up_text",
        "presentation_steps",
        "steps",
        "attendees",
        "last_error",
        "profile_yaml",
        "profile_json",
    }
)


def is_multi_line(column: str) -> bool:
    return column in MULTI_LINE or column.endswith("_reason")
