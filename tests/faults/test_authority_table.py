"""Authority, table-driven: every escalation action at every level is tried as every role of both
profiles; it is allowed or refused exactly as the profile (read here straight from its YAML) and SPEC §1
say, and a refused attempt changes nothing.

The table is `ATTEMPTS`: one row per (procedure, action). Other procedures add rows with their own
`prepare` (bring a case to the state before the action), `act` and `allowed` (the roles the profile
allows); the test body needs no change. The other procedures' rows are in test_authority_table_procedures.py
(their preparations in tests/authority_support.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from authority_support import PEOPLE, raw_profile
from refusal_texts import cites_internal_documents
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import show_escalation

PROFILES = PEOPLE


def levels(profile: str) -> dict[int, dict[str, Any]]:
    return {lv["level"]: lv for lv in raw_profile(profile)["ladder"]["levels"]}


def raisers(profile: str, level: int) -> set[str]:
    return set(levels(profile).get(level, {}).get("raised_by", []))


def counterpart(profile: str, level: int) -> str:
    return str(levels(profile)[level]["counterpart"])


class People:
    def __init__(self, profile: str) -> None:
        self.by_role = {role: key for key, _name, _side, role in PROFILES[profile]}

    def first(self, roles: set[str] | str, profile: str) -> str:
        wanted = {roles} if isinstance(roles, str) else roles
        return next(key for key, _n, _s, role in PROFILES[profile] if role in wanted)


# --- bringing a case to the state before the action (always with people who may do each step) ---------
def at_level(ctx: Ctx, profile: str, level: int, then: str = "addressed") -> str:
    """A case addressed at `level` after lower levels were gone through; `then` = responded/assessed."""
    people = People(profile)
    case: str = esc.open_escalation(
        ctx,
        actor_key=people.first(raisers(profile, 1), profile),
        contract_key="C",
        subject="norm missed",
        norm="KPI",
        participant=None,
        threatened=False,
    )["case"]
    for n in range(1, level):
        esc.respond(ctx, actor_key=people.first(counterpart(profile, n), profile), ref=case, text="we act")
        raiser = people.first(raisers(profile, n + 1), profile)
        esc.assess(ctx, actor_key=raiser, ref=case, sufficient=False, reason="not enough")
        esc.raise_level(ctx, actor_key=raiser, ref=case, reason="next level")
    if then in ("responded", "assessed"):
        esc.respond(
            ctx, actor_key=people.first(counterpart(profile, level), profile), ref=case, text="we act"
        )
    if then == "assessed":
        esc.assess(
            ctx,
            actor_key=people.first(raisers(profile, level), profile),
            ref=case,
            sufficient=False,
            reason="no",
        )
    return case


@dataclass(frozen=True)
class Attempt:
    procedure: str
    action: str
    prepare: Callable[[Ctx, str, int], str | None]
    act: Callable[[Ctx, str | None, str], object]
    allowed: Callable[[str, int], set[str]]
    levels: Callable[[str], list[int]]
    source: str


def _all_levels(profile: str) -> list[int]:
    return sorted(levels(profile))


def _below_top(profile: str) -> list[int]:
    return sorted(levels(profile))[:-1]


ATTEMPTS = [
    Attempt(
        "escalation",
        "open",
        prepare=lambda ctx, profile, level: None,
        act=lambda ctx, case, actor: esc.open_escalation(
            ctx, actor_key=actor, contract_key="C", subject="s", norm=None, participant=None, threatened=False
        ),
        allowed=lambda profile, level: raisers(profile, 1),
        levels=lambda profile: [1],
        source="SPEC §1 rule 3: only the roles in the table raise into a level",
    ),
    Attempt(
        "escalation",
        "respond",
        prepare=lambda ctx, profile, level: at_level(ctx, profile, level),
        act=lambda ctx, case, actor: esc.respond(ctx, actor_key=actor, ref=str(case), text="answer"),
        allowed=lambda profile, level: {counterpart(profile, level)},
        levels=_all_levels,
        source="SPEC §1: communication at the same level on both sides",
    ),
    Attempt(
        "escalation",
        "refuse",
        prepare=lambda ctx, profile, level: at_level(ctx, profile, level),
        act=lambda ctx, case, actor: esc.refuse(
            ctx, actor_key=actor, ref=str(case), reason="not gone through"
        ),
        allowed=lambda profile, level: {counterpart(profile, level)},
        levels=_all_levels,
        source="SPEC §1 rule 1: the person escalated to may refuse",
    ),
    Attempt(
        "escalation",
        "assess",
        prepare=lambda ctx, profile, level: at_level(ctx, profile, level, "responded"),
        act=lambda ctx, case, actor: esc.assess(
            ctx, actor_key=actor, ref=str(case), sufficient=False, reason="r"
        ),
        allowed=lambda profile, level: raisers(profile, level) | raisers(profile, level + 1),
        levels=_all_levels,
        source="SPEC §1 rule 2c: the raising side records the result (who raises into or beyond the level)",
    ),
    Attempt(
        "escalation",
        "raise",
        prepare=lambda ctx, profile, level: at_level(ctx, profile, level, "assessed"),
        act=lambda ctx, case, actor: esc.raise_level(ctx, actor_key=actor, ref=str(case), reason="up"),
        allowed=lambda profile, level: raisers(profile, level + 1),
        levels=_below_top,
        source="SPEC §1 rule 3: only the roles in the table raise into a level",
    ),
    Attempt(
        "escalation",
        "close",
        prepare=lambda ctx, profile, level: at_level(ctx, profile, level, "assessed"),
        act=lambda ctx, case, actor: esc.close(
            ctx, actor_key=actor, ref=str(case), measures="m", results="r", lessons="l"
        ),
        allowed=lambda profile, level: set().union(*(raisers(profile, n) for n in range(1, level + 1))),
        levels=_all_levels,
        source="SPEC §1 rule 4: closed by the raising side",
    ),
]


def _cases() -> list[Any]:
    return [
        pytest.param(attempt, profile, level, id=f"{attempt.procedure}-{attempt.action}-{profile}-L{level}")
        for attempt in ATTEMPTS
        for profile in PROFILES
        for level in attempt.levels(profile)
    ]


def _snapshot(ctx: Ctx, case: str | None) -> object:
    return (audit.verify(ctx.db).head, show_escalation(ctx, case) if case else None)


@pytest.mark.parametrize(("attempt", "profile", "level"), _cases())
def test_every_role_is_allowed_or_refused_exactly_as_the_profile_says(
    ctx: Ctx, attempt: Attempt, profile: str, level: int
) -> None:
    register(ctx, key="C", profile=profile)
    expected = attempt.allowed(profile, level)
    assert expected, f"the profile names nobody for {attempt.action} at level {level}"
    wrong: list[str] = []
    case, fresh = None, False
    for key, _name, _side, role in PROFILES[profile]:
        if not fresh:  # a refused attempt changes nothing, so the next role tries the same case
            case, fresh = attempt.prepare(ctx, profile, level), True
        before = _snapshot(ctx, case)
        try:
            attempt.act(ctx, case, key)
            allowed, fresh = True, False
        except RuleRefused as refusal:
            allowed = False
            assert role in str(refusal), "a refusal names the actor's role"
            assert not cites_internal_documents(refusal), (
                f"names a clause, not SPEC/DESIGN: {refusal.as_dict()}"
            )
            assert _snapshot(ctx, case) == before, f"a refused {attempt.action} changed something"
        if allowed != (role in expected):
            wrong.append(f"{role}: {'allowed' if allowed else 'refused'}")
    assert not wrong, (
        f"{attempt.action} at level {level} ({attempt.source}); expected only {sorted(expected)}: {wrong}"
    )


def test_the_table_pins_the_seed_ladders() -> None:
    """B2 §5.1: only the category manager raises into level 3; TP table 2: the board answers level 5."""
    assert raisers("leasefietsen-rijk", 3) == {"category_manager"}
    assert counterpart("leasefietsen-rijk", 1) == "account_manager"
    assert counterpart("reintegratie-defensie", 5) == "board"
    assert raisers("reintegratie-defensie", 1) == {"case_manager"}
