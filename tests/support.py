"""Helpers tests share: register the contracts of both profiles with a person for every role."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from escalation_engine.app.context import Ctx

if TYPE_CHECKING:
    from click.testing import Result

    from escalation_engine.core.timers import TickReport
from escalation_engine.app.registration import add_contract, add_person

AMS = ZoneInfo("Europe/Amsterdam")


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A local Amsterdam wall time as an aware instant (tests speak in local time, like users)."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}").replace(tzinfo=AMS)


# key, name, side, role
B2_PEOPLE = [
    ("dcm", "Dirk de Vries", "participant", "participant_contract_manager"),
    ("cat", "Carla Jansen", "client", "category"),
    ("catman", "Kees Bakker", "client", "category_manager"),
    ("am", "Anna Smit", "supplier", "account_manager"),
    ("sm", "Sven Mulder", "supplier", "service_manager"),
    ("exec", "Eva Visser", "supplier", "executive"),
]
TP_PEOPLE = [
    ("casem", "Carmen Casemanager", "participant", "case_manager"),
    ("rhead", "Rob Regiohoofd", "participant", "regional_head"),
    ("oplead", "Olga POC DCR", "participant", "operational_lead"),
    ("cmdef", "Chris CM Defensie", "participant", "contract_manager"),
    ("dir", "Dana Directie DCR", "participant", "directorate"),
    ("cmcat", "Cees CM CAT", "client", "category_manager"),
    ("jc", "Jan Jobcoach", "supplier", "jobcoach"),
    ("sjc", "Sara Senior Jobcoach", "supplier", "senior_jobcoach"),
    ("am", "Anna Accountmanager", "supplier", "account_manager"),
    ("board", "Bert Directie", "supplier", "board"),
]


# The participants registered on every test contract: B2 §2.3 names the larger Deelnemers; the survey tests
# grade as "Deelnemer 1", "Deelnemer A" … like the seed's worked examples. TP: the Defensie organisations.
B2_PARTICIPANTS = ["Belastingdienst", "MinIenW", "MinBZK", "Rechtspraak", "DJI"]
EXAMPLE_PARTICIPANTS = ["Deelnemer 1", "Deelnemer 2", "Deelnemer 3", "Deelnemer A", "Deelnemer B"]
TP_PARTICIPANTS = ["Defensie"]


def register(
    ctx: Ctx,
    *,
    key: str = "LF",
    profile: str = "leasefietsen-rijk",
    start: date = date(2026, 1, 1),
    award: date | None | str = "default",
    people: list[tuple[str, str, str, str]] | None = None,
    participants: list[str] | None = None,
) -> str:
    from escalation_engine.contracts.participants import add_participant

    if isinstance(award, str):  # awarded 47 days before the start (2025-11-15 for a start on 2026-01-01)
        award = start - timedelta(days=47)
    add_contract(
        ctx, key=key, profile_name=profile, title=f"{profile} test", start=start, award=award, actor="t"
    )
    if participants is None:
        b2 = profile != "reintegratie-defensie"
        participants = [*B2_PARTICIPANTS, *EXAMPLE_PARTICIPANTS] if b2 else TP_PARTICIPANTS
    for name in participants:
        add_participant(ctx, contract_key=key, name=name, actor="t")
    if people is None:
        people = B2_PEOPLE if profile == "leasefietsen-rijk" else TP_PEOPLE
    for person_key, name, side, role in people:
        add_person(
            ctx,
            key=person_key,
            contract_key=key,
            name=name,
            side=side,
            role=role,
            organisation=None,
            email=f"{person_key}@example.org",
            actor="t",
        )
    return key


def cli(*args: str, db: str, as_person: str | None = None) -> Result:
    """Run the command line in-process, as a user would type it; returns click's Result."""
    from click.testing import CliRunner

    from escalation_engine.cli.root import cli as root

    argv = ["--db", db, *(["--as", as_person] if as_person else []), *args]
    return CliRunner().invoke(root, argv, prog_name="escalation-engine", catch_exceptions=False)


def fired(report: TickReport, subject_kind: str) -> list[dict[str, Any]]:
    """The timers of one procedure that a tick fired (contracts also carry obligation and digest timers)."""
    return [entry for entry in report.fired if str(entry["subject"]).startswith(f"{subject_kind}:")]
