"""Who the command acts as: in local mode the operator at the terminal (acting for `--as PERSON`); in shared
mode the account whose personal token is given (`ESCALATION_ENGINE_TOKEN` or `--token-file`), never `--as`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.principal import LOCAL, Principal

TOKEN_ENV = "ESCALATION_ENGINE_TOKEN"


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name for this uid (a container): the uid then
        return f"uid:{os.getuid()}"


def _token(token_file: str | None) -> str | None:
    if token_file:
        try:
            return Path(token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BadInput(f"--token-file: cannot read {token_file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise BadInput(f"--token-file: {token_file} does not hold a token") from None
    return os.environ.get(TOKEN_ENV) or None


def principal_for(ctx: Ctx, *, as_person: str | None, token_file: str | None) -> Principal:
    from escalation_engine.accounts.mode import SHARED, mode_of
    from escalation_engine.accounts.tokens import authenticate

    with ctx.db.read() as session:
        mode = mode_of(session)
    if mode != SHARED:
        return Principal(auth=LOCAL, operator=_operator())
    if as_person:
        raise RuleRefused(
            f"--as {as_person!r} is refused on a shared database: you act as the account of your personal token",
            rule="no acting for another person on a shared database",
            source="accounts: shared mode",
        )
    secret = _token(token_file)
    if secret is None:
        raise RuleRefused(
            f"this database is shared: give your personal token ({TOKEN_ENV}, or --token-file FILE)",
            rule="a proven account on a shared database",
            source="accounts: shared mode",
        )
    return authenticate(ctx, secret)
