"""One exception tree for the whole engine; the CLI maps each kind to one exit code.

Messages are built from ids and the rule's source so a contract manager can look the rule up.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    exit_code = 1
    kind = "internal"

    def __init__(self, message: str, *, rule: str | None = None, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.source = source

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind, "message": self.message, "exit_code": self.exit_code}
        if self.rule:
            data["rule"] = self.rule
        if self.source:
            data["source"] = self.source
        return data


class BadInput(EngineError):
    """Malformed input or usage: a bad date, an unknown option value, a missing --as."""

    exit_code = 2
    kind = "bad_input"


class InvalidProfile(BadInput):
    """A contract profile file failed validation (names the file, the key and what is wrong)."""

    kind = "invalid_profile"


class RuleRefused(EngineError):
    """A contract rule forbids the action (skipped level, missing authority, wrong state, ...)."""

    exit_code = 3
    kind = "refused"


class NotFound(EngineError):
    """A contract, person or case does not exist."""

    exit_code = 4
    kind = "not_found"


class InternalFault(EngineError):
    """Something the engine did not expect; exit code 1."""


class NotOurDatabase(BadInput):
    """`--db` names a file that is not an escalation-engine database (not SQLite, or another program's)."""

    kind = "not_our_database"


class DamagedDatabase(EngineError):
    """The database file is SQLite but damaged (truncated or garbled pages); exit code 5."""

    exit_code = 5
    kind = "damaged_database"


class UnknownSchema(EngineError):
    """The schema has a revision this engine does not know (made by a newer version); exit code 4."""

    exit_code = 4
    kind = "unknown_schema"


class ReadOnlyDatabase(RuleRefused):
    """A writing command on a database opened read-only (an archived copy on read-only media)."""

    kind = "read_only_database"
