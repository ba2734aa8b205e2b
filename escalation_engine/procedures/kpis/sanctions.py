"""Sanctions after failed verdicts (B2 §1, §5): culpability finding and proposal, the supplier's
response, and the category's decision to apply or waive — each one transaction with its audit row.

Only the profile's deciders (`kpis.sanctions_decided_by`, the Categorie — 'Sanctioneerder' in the
table 'Sancties') find culpability and decide; only a supplier-side person responds, and only before
the decision. Several sanctions may apply at once; the summary shows the heaviest ('zwaarstwegend').
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from escalation_engine.contracts.lookup import get_contract, pinned_profile
from escalation_engine.contracts.people import get_person, people_with_role
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import NotFound, RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.notice_texts import send_notice
from escalation_engine.core.refs import case_ref, parse_ref, require_lines
from escalation_engine.core.tables import Contract, Person
from escalation_engine.procedures.kpis.results import kpi_section
from escalation_engine.procedures.kpis.rules.sanctions import (
    SANCTION_SOURCE,
    parse_sanction,
)
from escalation_engine.procedures.kpis.sanction_hearing import check_heard, end_hearing, schedule_response
from escalation_engine.procedures.kpis.sanction_machine import (
    OPEN_STATES,
    SanctionModel,
    SanctionTrigger,
    sanction_machine,
)
from escalation_engine.procedures.kpis.sanction_views import (
    list_sanctions as list_sanctions,  # `kpi sanctions` lists
)
from escalation_engine.procedures.kpis.sanction_views import sanction_view
from escalation_engine.procedures.kpis.tables import SanctionCase
from escalation_engine.procedures.kpis.verdicts import PREFIX_SANCTION


@dataclass
class Loaded:
    session: Session
    row: SanctionCase
    contract: Contract
    deciders: list[str]

    @property
    def ref(self) -> str:
        return case_ref(PREFIX_SANCTION, self.row.id)

    def model(self) -> SanctionModel:
        return SanctionModel(
            ref=self.ref,
            state=self.row.state,
            allowed=tuple(self.row.allowed.split(",")),
            outcome=self.row.outcome,
        )


def _load(session: Session, ref: str) -> Loaded:
    ident = parse_ref(PREFIX_SANCTION, ref)
    row = session.exec(select(SanctionCase).where(SanctionCase.id == ident).with_for_update()).first()
    if row is None:
        raise NotFound(f"sanction {case_ref(PREFIX_SANCTION, ident)} not found")
    contract = get_contract(session, row.contract_key)
    section = kpi_section(pinned_profile(contract), contract.key)
    return Loaded(session, row, contract, list(section.sanctions_decided_by))


def _decider(loaded: Loaded, actor_key: str | None, what: str) -> Person:
    actor = get_person(loaded.session, loaded.contract.key, actor_key)
    if actor.role not in loaded.deciders:
        raise RuleRefused(
            f"{actor.key} ({actor.role}) may not {what} {loaded.ref}: only the category decides on sanctions "
            f"({', '.join(loaded.deciders)})",
            rule="the Categorie is the sanctioner",
            source=SANCTION_SOURCE,
        )
    return actor


def _audit(
    ctx: Ctx, loaded: Loaded, actor: Person, action: str, before: str, reason: str, **payload: Any
) -> None:
    audit.append(
        ctx.db,
        loaded.session,
        now=ctx.clock.now(),
        actor=actor.key,
        actor_role=actor.role,
        action=action,
        contract_key=loaded.contract.key,
        case_ref=loaded.ref,
        from_state=before,
        to_state=loaded.row.state,
        reason=reason,
        payload=payload,
    )


def _find(
    ctx: Ctx, loaded: Loaded, actor: Person, *, culpable: bool, finding: str, codes: list[str], now: datetime
) -> None:
    """Record the culpability finding; culpable proposes the codes (default: all the KPI allows)."""
    chosen = tuple(dict.fromkeys(parse_sanction(code).value for code in codes))
    before = loaded.row.state
    model = loaded.model()
    if culpable:
        chosen = chosen or model.allowed
        try:
            loaded.row.state = fire(
                sanction_machine(),
                model,
                SanctionTrigger.FIND_CULPABLE,
                rule="the proposed codes are allowed for the KPI",
                source=SANCTION_SOURCE,
                codes=chosen,
            )
        except RuleRefused as exc:
            if not model.problems:
                raise
            allowed = loaded.row.outcome or loaded.row.allowed
            message = f"{loaded.ref}: {'; '.join(model.problems)} (allowed: {allowed})"
            raise RuleRefused(message, rule=exc.rule, source=exc.source) from None
        loaded.row.codes = ",".join(chosen)
    else:
        loaded.row.state = fire(
            sanction_machine(),
            model,
            SanctionTrigger.FIND_NOT_CULPABLE,
            rule="culpability finding",
            source=SANCTION_SOURCE,
        )
    loaded.row.culpability, loaded.row.proposed_by, loaded.row.proposed_at = finding, actor.key, now
    loaded.session.add(loaded.row)
    action = "sanction.propose" if culpable else "sanction.not_culpable"
    _audit(ctx, loaded, actor, action, before, finding, codes=list(chosen))
    if culpable:
        _tell_supplier(loaded, now, *schedule_response(loaded.session, loaded.row, now))


def propose(
    ctx: Ctx, *, actor_key: str | None, ref: str, culpable: bool, finding: str, codes: list[str]
) -> dict[str, Any]:
    """Record the culpability finding; when culpable, propose the chosen allowed codes (B2 §5)."""
    finding = require_lines(finding, "culpability finding")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = _decider(loaded, actor_key, "record the culpability finding of")
        _find(ctx, loaded, actor, culpable=culpable, finding=finding, codes=codes, now=now)
        return sanction_view(session, loaded.row)


def _tell_supplier(loaded: Loaded, now: datetime, last_day: date, rule: str, source: str) -> None:
    """The supplier hears of the proposal and its response term (last day, rule and clause)."""
    for person in people_with_role(loaded.session, loaded.contract.key, "account_manager"):
        send_notice(
            loaded.session,
            "sanction_proposed",
            key=f"sanction:{loaded.row.id}:proposed",
            now=now,
            person=person,
            contract_key=loaded.contract.key,
            case=loaded.ref,
            codes=loaded.row.codes,
            culpability=loaded.row.culpability,
            due=last_day.isoformat(),
            rule=rule,
            source=source,
        )


def respond(ctx: Ctx, *, actor_key: str | None, ref: str, text: str) -> dict[str, Any]:
    """The supplier's response, heard before the category decides."""
    text = require_lines(text, "response text")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = get_person(session, loaded.contract.key, actor_key)
        if actor.side != "supplier":
            raise RuleRefused(
                f"{actor.key} ({actor.role}) is not on the supplier side: only the supplier responds to {loaded.ref}",
                rule="hearing the supplier before the decision",
                source=SANCTION_SOURCE,
            )
        if loaded.row.state not in OPEN_STATES:
            raise RuleRefused(
                f"{loaded.ref} is {loaded.row.state.replace('_', ' ')}: the decision was taken, a response is too late",
                rule="the response comes before the decision",
                source=SANCTION_SOURCE,
            )
        if loaded.row.response:
            raise RuleRefused(
                f"{loaded.ref} already has the supplier's response (by {loaded.row.responded_by})",
                rule="one response per sanction",
                source=SANCTION_SOURCE,
            )
        loaded.row.response, loaded.row.responded_by, loaded.row.responded_at = text, actor.key, now
        session.add(loaded.row)
        end_hearing(session, loaded.row, now)
        _audit(ctx, loaded, actor, "sanction.respond", loaded.row.state, text)
        return sanction_view(session, loaded.row)


def decide(
    ctx: Ctx,
    *,
    actor_key: str | None,
    ref: str,
    apply: bool,
    reason: str,
    finding: str | None = None,
    codes: list[str] | None = None,
    cannot_wait: str | None = None,
) -> dict[str, Any]:
    """The category applies (only with a culpability finding — recorded before, or given here — and after
    the supplier was heard, or with the reason it cannot wait) or waives, with a reason. Waiving is in
    the supplier's favour: it needs no hearing."""
    reason = require_lines(reason, "reason")
    cannot_wait = (
        require_lines(cannot_wait, "reason the decision cannot wait") if cannot_wait is not None else None
    )
    finding = finding.strip() if finding else None
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = _load(session, ref)
        actor = _decider(loaded, actor_key, "apply" if apply else "waive")
        if apply and finding and loaded.row.state == "awaiting_finding":
            _find(ctx, loaded, actor, culpable=True, finding=finding, codes=codes or [], now=now)
        before = loaded.row.state
        if apply and before == "awaiting_finding":
            raise RuleRefused(
                f"{loaded.ref} has no culpability finding yet: a sanction is applied only when the supplier is "
                f"culpable — record it first (sanction propose {loaded.ref} --culpable --finding …) or give --finding",
                rule="sanctions only on culpable shortcoming",
                source=SANCTION_SOURCE,
            )
        trigger = SanctionTrigger.APPLY if apply else SanctionTrigger.WAIVE
        loaded.row.state = fire(
            sanction_machine(), loaded.model(), trigger, rule="category decision", source=SANCTION_SOURCE
        )
        if apply:
            check_heard(session, loaded.row, now, cannot_wait)
            loaded.row.cannot_wait = None if loaded.row.response else cannot_wait
        loaded.row.decision_reason, loaded.row.decided_by, loaded.row.decided_at = reason, actor.key, now
        session.add(loaded.row)
        end_hearing(session, loaded.row, now)
        extra = {"cannot_wait": loaded.row.cannot_wait} if loaded.row.cannot_wait else {}
        _audit(
            ctx, loaded, actor, f"sanction.{trigger.value}", before, reason, codes=loaded.row.codes, **extra
        )
        return sanction_view(session, loaded.row)
