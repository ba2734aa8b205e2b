"""Who may record KPI results and import survey rounds: the profile's `recorded_by` grants (B2 §2, TP table 1).

A KPI's own `recorded_by`, else the `kpis:` section's, else (a profile of version 2 or older) every client-
and participant-side role — see `KpiSection.recorders`. A participant-side person registered with an
organisation records a decentral KPI (B2 §2.2: "Een Deelnemer bepaalt per maand …") for that participant
only; the engine cannot tell whom a person without an organisation represents, and lets them record for any.
A supplier never replaces a result the client or participant side recorded.
"""

from __future__ import annotations

from sqlmodel import Session, select

from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.profile_base import RoleGrant
from escalation_engine.core.sheets import shown
from escalation_engine.core.tables import Person
from escalation_engine.procedures.kpis.profile import KpiSection, KpiSpec
from escalation_engine.procedures.kpis.tables import KpiMeasurement
from escalation_engine.profile.model import Profile


def recorders(profile: Profile, section: KpiSection, spec: KpiSpec) -> RoleGrant:
    return section.recorders(spec, {key: role.side for key, role in profile.spec.roles.items()})


def _who(actor: Person) -> str:
    return f"you, {actor.key}, are {actor.role}"


def require_recorder(
    profile: Profile, section: KpiSection, spec: KpiSpec, actor: Person, participant: str, where: str = ""
) -> None:
    """Refuse unless `actor` may record `spec` (for `participant`, when the KPI is decentral)."""
    grant = recorders(profile, section, spec)
    what = f"{where}recording results of KPI {spec.ref} ({spec.name})"
    if actor.role not in grant.roles:
        raise RuleRefused(
            f"{what} is for {' or '.join(grant.roles)} ({_who(actor)})",
            rule=f"authority: recording KPI {spec.ref}",
            source=grant.source,
        )
    own, theirs = _normalised(actor.organisation), _normalised(participant)
    if spec.scope == "decentral" and actor.side == "participant" and own and theirs and theirs != own:
        raise RuleRefused(
            f"{what}: {actor.key} ({actor.role}) records for their own participant {actor.organisation}, "
            f"not for {shown(participant)}",
            rule="a participant records its own results of a decentral KPI",
            source=spec.source,
        )


def require_any_recorder(profile: Profile, section: KpiSection, actor: Person) -> None:
    """Refuse an import by someone who may record no KPI of the contract at all."""
    allowed: dict[str, None] = {}
    for spec in section.definitions:
        if spec.measure not in ("share", "survey"):
            allowed.update(dict.fromkeys(recorders(profile, section, spec).roles))
    if actor.role not in allowed:
        raise RuleRefused(
            f"importing KPI results is for {' or '.join(allowed)} ({_who(actor)})",
            rule="authority: recording KPI results",
            source=section.source,
        )


def require_survey_importer(profile: Profile, section: KpiSection, spec: KpiSpec, actor: Person) -> None:
    """A survey round is the result of the survey's KPI: its `recorded_by` imports it (B2 §2.3)."""
    grant = recorders(profile, section, spec)
    if actor.role not in grant.roles:
        raise RuleRefused(
            f"importing a survey round of KPI {spec.ref} ({spec.name}) is for {' or '.join(grant.roles)} "
            f"({_who(actor)})",
            rule=f"authority: recording KPI {spec.ref}",
            source=grant.source,
        )


def require_may_replace(session: Session, old: KpiMeasurement, actor: Person) -> None:
    """The supplier reports its figures; what the client or participant side recorded stands (TP §2.1.2)."""
    if actor.side != "supplier":
        return
    recorder = session.exec(
        select(Person).where(Person.contract_key == old.contract_key, Person.key == old.recorded_by)
    ).first()
    if recorder is not None and recorder.side != "supplier":
        raise RuleRefused(
            f"{old.kpi} {old.period} was recorded by {recorder.key} ({recorder.role}, {recorder.side} side): "
            f"a supplier-side person ({_who(actor)}) does not replace it",
            rule="the client side's figure stands",
            source="TP §2.1.2 (the Deelnemer and the Opdrachtgever establish the norm); B2 §2",
        )


def _normalised(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()
