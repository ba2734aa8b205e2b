"""The engine's mode, said in `init`: local (one operator at the terminal, `--as` allowed) or shared (every
action by a proven account: a personal token in the CLI, a sign-in on the web)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from escalation_engine.accounts.tables import EngineSetting

LOCAL = "local"
SHARED = "shared"


def mode_of(session: Session) -> str:
    row = session.get(EngineSetting, "mode")
    return row.value if row is not None else LOCAL


def set_mode(session: Session, mode: str) -> None:
    row = session.get(EngineSetting, "mode") or EngineSetting(key="mode", value=mode)
    row.value = mode
    session.add(row)


def setting_or_new(session: Session, key: str, make: Callable[[], str]) -> str:
    """A setting of this database, made (once) by `make` when it is not there yet."""
    row = session.get(EngineSetting, key)
    if row is None:
        row = EngineSetting(key=key, value=make())
        session.add(row)
    return row.value
