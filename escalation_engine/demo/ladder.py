"""The demo's first chapter: the B2 ladder, from the participant's escalation to the audit trail.

The demo drives the same actions as the CLI, with a clock the narration moves forward, so every
deadline, reminder and refusal shown is the engine's own behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_contract, add_person
from escalation_engine.contracts.participants import add_participant
from escalation_engine.core import audit
from escalation_engine.demo.narrator import Narrator, at
from escalation_engine.procedures.ladder import actions as esc

PARTICIPANTS = ["Belastingdienst", "DJI"]  # two of the larger Deelnemers B2 §2.3 names
PEOPLE = [
    ("dcm", "Dirk de Vries", "participant", "participant_contract_manager", "Belastingdienst"),
    ("cat", "Carla Jansen", "client", "category", "Categorie Vervoer & Verblijf"),
    ("catman", "Kees Bakker", "client", "category_manager", "Categorie Vervoer & Verblijf"),
    ("am", "Anna Smit", "supplier", "account_manager", "FietsLease BV"),
    ("sm", "Sven Mulder", "supplier", "service_manager", "FietsLease BV"),
    ("exec", "Eva Visser", "supplier", "executive", "FietsLease BV"),
]


def _person_adder(
    ctx: Ctx, key: str, name: str, side: str, role: str, org: str
) -> Callable[[], dict[str, Any]]:
    def add() -> dict[str, Any]:
        return add_person(
            ctx,
            key=key,
            contract_key="LF-2026",
            name=name,
            side=side,
            role=role,
            organisation=org,
            email=f"{key}@example.org",
            actor="demo",
        )

    return add


def ladder_story(n: Narrator) -> None:
    ctx = n.ctx
    n.say("Demo: contract 'Leasefietsen voor het Rijk' (profile leasefietsen-rijk, B2 §5.1).")
    n.say("The participant's contract manager sees delivery reliability drop to 91 % (norm ≥ 95 %, B2 §2.2).")
    n.step(
        "register the contract",
        lambda: add_contract(
            ctx,
            key="LF-2026",
            profile_name="leasefietsen-rijk",
            title="Leasefietsen voor het Rijk",
            start=at("2026-01-01").date(),
            award=at("2025-11-15").date(),
            actor="demo",
        ),
    )
    for participant in PARTICIPANTS:
        n.step(
            f"register the participant {participant}",
            lambda participant=participant: add_participant(  # type: ignore[misc]
                ctx, contract_key="LF-2026", name=participant, actor="demo"
            ),
        )
    for key, name, side, role, org in PEOPLE:
        n.step(f"register {name} as {role}", _person_adder(ctx, key, name, side, role, org))
    case = "ESC-1"
    n.step(
        "Dirk (DCM-er, Belastingdienst) opens an escalation at level 1",
        lambda: esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF-2026",
            subject="Availability of bicycles 91 % in February",
            norm="KPI Leverbetrouwbaarheid ≥ 95 %",
            participant="Belastingdienst",
            threatened=False,
        ),
    )
    n.step(
        "Carla (category) tries to raise to level 2 right away",
        lambda: esc.raise_level(ctx, actor_key="cat", ref=case, reason="no patience"),
        expect_refusal=True,
    )
    n.step(
        "Dirk tries to open a new escalation straight at level 3",
        lambda: esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF-2026",
            subject="Skip the ladder",
            norm=None,
            participant=None,
            threatened=False,
            level=3,
        ),
        expect_refusal=True,
    )
    n.tick(at("2026-03-27", 9))
    n.say("\nThe clocks go forward on Sunday 29 March; the deadline keeps its local date.")
    n.tick(at("2026-03-29", 9))
    n.tick(at("2026-04-01", 9))
    n.step(
        "Dirk assesses level 1 as insufficient",
        lambda: esc.assess(
            ctx, actor_key="dcm", ref=case, sufficient=False, reason="no response from the account team"
        ),
    )
    n.step(
        "Dirk tries to raise to level 2 himself",
        lambda: esc.raise_level(ctx, actor_key="dcm", ref=case, reason="still no bicycles"),
        expect_refusal=True,
    )
    n.step(
        "Carla (category) raises to level 2",
        lambda: esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 gave insufficient result"),
    )
    n.clock.set(at("2026-04-02", 11))
    n.step(
        "Sven (service manager) responds",
        lambda: esc.respond(
            ctx,
            actor_key="sm",
            ref=case,
            text="Two extra planners assigned; stock replenished from the central depot.",
        ),
    )
    n.step(
        "Carla assesses level 2 as sufficient",
        lambda: esc.assess(
            ctx, actor_key="cat", ref=case, sufficient=True, reason="availability back at 97 % in week 14"
        ),
    )
    n.step(
        "Carla tries to close without lessons learned",
        lambda: esc.close(
            ctx, actor_key="cat", ref=case, measures="extra planners", results="97 % availability", lessons=""
        ),
        expect_refusal=True,
    )
    n.step(
        "Carla closes with measures, results and lessons learned",
        lambda: esc.close(
            ctx,
            actor_key="cat",
            ref=case,
            measures="Two extra planners; central depot stock",
            results="Availability 97 % in week 14",
            lessons="Forecast demand per participant monthly",
        ),
    )
    n.tick(at("2026-04-10", 9))
    _audit_tour(n)


def _audit_tour(n: Narrator) -> None:
    rows = audit.listing(n.ctx.db, case_ref="ESC-1")
    n.say(f"\nAudit trail of ESC-1 ({len(rows)} events):")
    for row in rows:
        n.say(
            f"  #{row['id']:>2} {row['recorded_at'][:16]} {row['actor']:<7} {row['action']:<30} "
            f"{row['from_state'] or '':>12} → {row['to_state'] or '':<12} L{row['level']}"
        )
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    try:
        with n.ctx.db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET reason = 'nothing happened' WHERE id = 1"))
    except DatabaseError as exc:
        n.say(f"\nAn attempt to edit the audit trail in the database: refused — {exc.orig}")
    result = audit.verify(n.ctx.db)
    n.say(f"audit verify: {'ok' if result.ok else 'FAILED'} — {result.rows} rows, head {result.head[:16]}…")
    n.steps.append({"step": "audit verify", "result": result.as_dict()})
