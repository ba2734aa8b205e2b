"""The building blocks every profile section uses: strict frozen models, sides, roles, role grants, terms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

Side = Literal["client", "participant", "supplier"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(_Strict):
    side: Side
    label: str
    source: str


class TermSpec(_Strict):
    amount: PositiveInt
    unit: Literal["days", "weeks", "months"]
    source: str
    label: str = ""


class RoleGrant(_Strict):
    """Who may take one action (role keys of the profile) and the clause, or "policy default", saying so."""

    roles: list[str] = Field(min_length=1)
    source: str


def grant_problems(
    where: str,
    grant: RoleGrant | None,
    sides: Mapping[str, str],
    *,
    not_side: Side | None = None,
    why: str = "",
) -> list[str]:
    """Unknown roles in a grant; with `not_side`, roles of that side too (e.g. the supplier grading itself)."""
    if grant is None:
        return []
    problems = []
    for role in grant.roles:
        side = sides.get(role)
        if side is None:
            problems.append(f"{where}.roles: unknown role {role!r} (known: {', '.join(sides)})")
        elif side == not_side:
            problems.append(f"{where}.roles: {role!r} is a {side} role; {why}")
    return problems
