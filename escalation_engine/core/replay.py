"""Replay the audit trail against the stored state of every case (`audit verify`, issue 15).

Every procedure's audit rows name the case (`case_ref`) and the state it moved it to (`to_state`, and the
level for the ladder and the three-step plan). Replaying a case's rows in order gives the state the engine
wrote; a case whose stored state differs was changed behind the engine's back (or its rows were). Each
procedure knows its own cases: it registers a `StateSource` under `REPLAY_HOOK` (its `replay.py`, wired
with its timers), reading all of its cases' stored states in one statement. The rows are read once, in id
order, a thousand at a time: the check is linear in the size of the trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from escalation_engine.core.tables import AuditEvent

if TYPE_CHECKING:
    from sqlmodel import Session

    from escalation_engine.core.context import Ctx

REPLAY_HOOK = "audit.replay"
Stored = tuple[str, int | None]  # (state, level or None)


@dataclass(frozen=True)
class StateSource:
    """One procedure's cases for the replay: its reference prefix and every case's stored state."""

    prefix: str  # the case references' prefix: "ESC" for ESC-1
    what: str  # how a person calls such a case: "escalation"
    stored: Callable[[Session], dict[str, Stored]]  # every case: reference → (state, level)
    initial: str | None = None  # the state of a case no audit row has moved yet (an obligation: open)
    tracks_level: bool = False  # the rows carry the case's level (the ladder) or step (the three-step plan)

    def __call__(self, session: Session) -> dict[str, Stored]:  # a hook is a callable: its stored states
        return self.stored(session)


@dataclass
class _Replayed:
    state: str | None = None
    level: int | None = None
    last_row: int = 0
    breaks: list[str] = field(default_factory=list)


_A = AuditEvent.__table__  # type: ignore[attr-defined]
_ROWS = (
    select(_A.c.id, _A.c.case_ref, _A.c.from_state, _A.c.to_state, _A.c.level)
    .where(_A.c.case_ref.is_not(None), _A.c.to_state.is_not(None))
    .order_by(_A.c.id)
    .execution_options(yield_per=1000)
)


def _replay(session: Session, prefixes: set[str], levels: set[str]) -> dict[str, _Replayed]:
    cases: dict[str, _Replayed] = {}
    for ident, ref, before, after, level in session.connection().execute(_ROWS):
        if ref.split("-", 1)[0] not in prefixes:
            continue
        case = cases.setdefault(ref, _Replayed())
        if before is not None and case.state is not None and before != case.state:
            case.breaks.append(
                f"{ref}: audit row {ident} moves it from {before}, but the rows before it left it {case.state}"
            )
        case.state, case.last_row = after, ident
        if level is not None and ref.split("-", 1)[0] in levels:
            case.level = level
    return cases


def disagreements(ctx: Ctx) -> list[str]:
    """Every case whose stored state (or level) is not what its audit rows replay to, by reference."""
    sources = [hook for hook in ctx.registry.hooks(REPLAY_HOOK) if isinstance(hook, StateSource)]
    problems: list[str] = []
    with ctx.db.read() as session:
        replayed = _replay(
            session, {s.prefix for s in sources}, {s.prefix for s in sources if s.tracks_level}
        )
        for source in sources:
            stored = source.stored(session)
            mine = {ref for ref in replayed if ref.split("-", 1)[0] == source.prefix}
            for ref in sorted(mine | set(stored), key=_order):
                problems.extend(_compare(source, ref, stored.get(ref), replayed.get(ref)))
    return problems


def _order(ref: str) -> tuple[str, int]:
    prefix, _, number = ref.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def _compare(source: StateSource, ref: str, stored: Stored | None, case: _Replayed | None) -> list[str]:
    if stored is None:
        assert case is not None
        return [
            f"{ref}: the audit rows replay this {source.what} to {case.state} (row {case.last_row}), but it is "
            "not in the database (deleted?)"
        ]
    state, level = stored
    if case is None:
        if state == source.initial:
            return []
        return [f"{ref}: stored state {state}, but no audit row moved this {source.what} to any state"]
    problems = list(case.breaks)
    if state != case.state:
        problems.append(
            f"{ref}: stored state {state}, the audit rows replay to {case.state} (last row {case.last_row})"
        )
    if source.tracks_level and level != case.level:
        problems.append(f"{ref}: stored level {level}, the audit rows replay to level {case.level}")
    return problems
