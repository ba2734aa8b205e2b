"""Who is acting, and how they proved it: the principal of the running command or web request.

Entry points say it once (`acting(...)` around a command or a request); the audit trail records it on every
row it appends in that time. In local mode the principal is the operator at the terminal (the OS user), who
acts for the person named with `--as`; in shared mode it is a signed-in account, and the procedures resolve
the acting person as that account's membership on the case's contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

LOCAL = "local"
TOKEN = "token"
PASSWORD = "password"
OIDC = "oidc"


@dataclass(frozen=True)
class Principal:
    auth: str  # local | token | password | oidc
    account_id: int | None = None
    account: str | None = None  # the account's e-mail, as the audit trail names it
    operator: str | None = None  # local mode: the operating-system user at the terminal
    is_admin: bool = False
    language: str | None = None  # the account's chosen language (nl, en), read with the account

    @property
    def signed_in(self) -> bool:
        """An account proved itself (shared mode): it acts only as its own memberships."""
        return self.auth != LOCAL and self.account_id is not None


_CURRENT: ContextVar[Principal | None] = ContextVar("escalation_engine_principal", default=None)


def current() -> Principal | None:
    return _CURRENT.get()


@contextmanager
def acting(principal: Principal | None) -> Iterator[Principal | None]:
    token = _CURRENT.set(principal)
    try:
        yield principal
    finally:
        _CURRENT.reset(token)
