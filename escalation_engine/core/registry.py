"""The one registry of what the procedures plug into the core: timer handlers, deadline describers and hooks.

The core fires timers and lists deadlines without knowing any procedure: each procedure's `register(registry)`
adds its handlers (`escalation/response_due` → a function), the describer of its deadlines and the hooks it
offers or answers; `escalation_engine.app.wiring` calls every one of them, on first use, and seals the registry. A
context built without it (`core.context.Ctx` with the default empty registry) cannot fire or list anything:
it fails loudly instead of marking every timer as "no handler".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from escalation_engine.core.errors import InternalFault

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.tables import Timer


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A claimed timer as its handler sees it: the row's values, read with one Core query (no ORM object;
    the firing loop marks the row fired itself)."""

    id: int
    idempotency_key: str
    kind: str
    subject_kind: str
    subject_id: int
    contract_key: str
    due_at: datetime
    rule: str
    source: str
    payload: str


# A handler is called as handler(ctx, session, timer, now) and returns its outcome ("obsolete" skips the timer);
# typed loosely here because the context carries the registry (the core's Ctx imports this module).
Handler = Callable[..., str]
# A responsibility test is called as responsibility(session, contract_key, person_key) and returns a SQL
# condition on the timer table (or True/False) that holds for the open deadlines of its subject kind on that
# contract the person is responsible for or reminded of — the describer's `responsible`, written as SQL so a
# person's deadlines are filtered and paged in the database. It may hold for more (the describer still decides),
# never for fewer.
Responsibility = Callable[["Session", str, str], Any]
# A describer is called as describer(session, timers) for many timers of its subject kind at once and returns
# what each is about by timer id (reading the cases in a few statements, not one set per timer).
Describer = Callable[["Session", "list[Timer]"], dict[int, dict[str, Any]]]
# Whose cases they are, for a participant's contract manager: called as others(contract_key, organisations)
# it returns a SQL select of the ids of the cases of its subject kind on that contract that belong to other
# participants than those organisations (core.visibility hides their deadlines and audit rows).
OthersCases = Callable[[str, "list[str]"], Any]


@dataclass
class Registry:
    handlers: dict[tuple[str, str], Handler] = field(default_factory=dict)
    describers: dict[str, Describer] = field(default_factory=dict)
    responsibilities: dict[str, Responsibility] = field(default_factory=dict)
    others_cases: dict[str, OthersCases] = field(default_factory=dict)
    _hooks: dict[str, list[Callable[..., Any]]] = field(default_factory=dict)
    sealed: bool = False
    loader: Callable[[Registry], None] | None = None  # wires the registry on first use (keeps start-up light)

    def handler(self, subject_kind: str, kind: str, func: Handler) -> None:
        """`func` fires the timers of `kind` on cases of `subject_kind`; one handler per pair."""
        self._open_for(f"{subject_kind}/{kind}")
        if (subject_kind, kind) in self.handlers:
            raise InternalFault(f"two handlers for timers {subject_kind}/{kind}")
        self.handlers[(subject_kind, kind)] = func

    def describer(self, subject_kind: str, func: Describer) -> None:
        """What the deadlines of `subject_kind` are about, by timer id: keys subject, level, responsible (person
        keys); `func` gets all the listed timers of that kind at once."""
        self._open_for(subject_kind)
        if subject_kind in self.describers:
            raise InternalFault(f"two describers for deadlines of {subject_kind}")
        self.describers[subject_kind] = func

    def responsibility(self, subject_kind: str, func: Responsibility) -> None:
        """Who is responsible for the deadlines of `subject_kind`, as a SQL condition (see `Responsibility`)."""
        self._open_for(f"responsibility of {subject_kind}")
        if subject_kind in self.responsibilities:
            raise InternalFault(f"two responsibility tests for deadlines of {subject_kind}")
        self.responsibilities[subject_kind] = func

    def participant_cases(self, subject_kind: str, func: OthersCases) -> None:
        """The cases of `subject_kind` that belong to a participant (see `OthersCases`): a participant's
        contract manager sees only their own organisation's, in lists of deadlines and in the audit trail."""
        self._open_for(f"participants of {subject_kind}")
        if subject_kind in self.others_cases:
            raise InternalFault(f"two participant tests for cases of {subject_kind}")
        self.others_cases[subject_kind] = func

    def hook(self, name: str, func: Callable[..., Any]) -> None:
        """Answer the hook `name` that another procedure offers (its module names the call's shape)."""
        self._open_for(name)
        self._hooks.setdefault(name, []).append(func)

    def hooks(self, name: str) -> list[Callable[..., Any]]:
        self.require_wired()
        return list(self._hooks.get(name, []))

    def handler_for(self, subject_kind: str, kind: str) -> Handler | None:
        self.require_wired()
        return self.handlers.get((subject_kind, kind))

    def describer_for(self, subject_kind: str) -> Describer | None:
        self.require_wired()
        return self.describers.get(subject_kind)

    def responsibility_for(self, subject_kind: str) -> Responsibility | None:
        self.require_wired()
        return self.responsibilities.get(subject_kind)

    def seal(self) -> Registry:
        self.sealed = True
        return self

    def require_wired(self) -> None:
        if not self.sealed and self.loader is not None:
            self.loader(self)
            self.seal()
        if not self.sealed:
            raise InternalFault(
                "the engine's procedures are not wired into this context: build it with "
                "escalation_engine.app.context.Ctx"
            )

    def _open_for(self, what: str) -> None:
        if self.sealed:
            raise InternalFault(f"the registry is sealed; {what} cannot be added after wiring")
