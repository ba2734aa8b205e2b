"""The authority table's rows for KPI results and verdicts (B2 §2, TP table 1), sanctions (SPEC §5), the
survey (B2 §2.3), the waiting-room clause (TP §2.1.2) and obligations; run by
tests/faults/test_authority_table_procedures.py. Allowed roles and sides are read from the profile YAML."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from authority_rows import Attempt, Roles, has, listed
from authority_support import (
    World,
    client_or_participant,
    evaluated,
    every_role,
    imported_survey,
    kpi_definitions,
    new_result,
    next_moment,
    open_obligation,
    record,
    result_file,
    sanction_case,
    section,
    supplier_side,
    survey_file,
)

from escalation_engine.service import (
    kpi_evaluate,
    kpi_follow_up,
    kpi_import,
    kpis,
    obligation_fulfil,
    sanction_cases,
    surveys,
    waiting_room_clause,
)

SUPPLIER_SIDE: Roles = lambda profile: {"supplier side"}  # noqa: E731
CLIENT_SIDE: Roles = lambda profile: {"client or the participant"}  # noqa: E731
DECIDERS = listed("kpis", "sanctions_decided_by")


def has_central_delivery(profile: str) -> bool:
    return any(d["measure"] == "share" for d in kpi_definitions(profile))


def has_decentral(profile: str) -> bool:
    return any(d["scope"] == "decentral" for d in kpi_definitions(profile))


def has_sanctions(profile: str) -> bool:
    return any(d.get("sanctions") for d in kpi_definitions(profile))


def _record(w: World, result: dict[str, str], who: str) -> object:
    return kpis.record(
        w.ctx,
        actor_key=who,
        contract_key=w.contract,
        kpi=result["kpi"],
        period=result["period"],
        value="100",
        participant=result["participant"] or None,
    )


def _prepare_evaluation(w: World) -> str:
    result = new_result(w)
    record(w, result, "100")
    return result["period"]


KPI_ATTEMPTS = [
    # The profiles name no role for recording or importing results (`measured_by` is prose: "each
    # Deelnemer", "Opdrachtnemer (reported in the management report)"): every role on the contract may.
    Attempt(
        "kpi",
        "record",
        has("kpis"),
        prepare=new_result,
        act=lambda w, result, who: _record(w, result, who),
        allowed=every_role,
        source="SPEC §5; the profile's kpis section names no recording role",
    ),
    Attempt(
        "kpi",
        "import",
        has("kpis"),
        prepare=result_file,
        act=lambda w, path, who: kpi_import.import_file(
            w.ctx, actor_key=who, contract_key=w.contract, path=path
        ),
        allowed=every_role,
        source="SPEC §5; the profile's kpis section names no recording role",
    ),
    Attempt(
        "kpi",
        "evaluate",
        has("kpis"),
        prepare=_prepare_evaluation,
        act=lambda w, period, who: kpi_evaluate.evaluate_period(
            w.ctx, actor_key=who, contract_key=w.contract, period=period
        ),
        allowed=client_or_participant,
        needs=CLIENT_SIDE,
        source="B2 §2 / TP §2.1: the client side judges the supplier's performance (roles' sides from the profile)",
    ),
    Attempt(
        "kpi",
        "term",
        has_central_delivery,
        prepare=lambda w: evaluated(w, "50", quarter=True)["verdict"],
        act=lambda w, ref, who: kpi_follow_up.set_term(
            w.ctx, actor_key=who, ref=ref, until=w.today() + timedelta(days=30), reason="agreed"
        ),
        allowed=DECIDERS,
        source="B2 §2.2 central part: the category agrees the improvement term",
    ),
    Attempt(
        "kpi",
        "improve",
        has_decentral,
        prepare=lambda w: evaluated(w, "50")["verdict"],
        act=lambda w, ref, who: kpi_follow_up.record_improvement(w.ctx, actor_key=who, ref=ref, text="fixed"),
        allowed=supplier_side,
        needs=SUPPLIER_SIDE,
        source="B2 §2.2 decentral part: the supplier shows and implements its improvements",
    ),
    Attempt(
        "sanction",
        "propose",
        has_sanctions,
        prepare=lambda w: sanction_case(w, "awaiting_finding"),
        act=lambda w, ref, who: sanction_cases.propose(
            w.ctx, actor_key=who, ref=ref, culpable=True, finding="culpable", codes=["S1"]
        ),
        allowed=DECIDERS,
        source="SPEC §5: only the category decides on sanctions (finding and proposal)",
    ),
    Attempt(
        "sanction",
        "respond",
        has_sanctions,
        prepare=lambda w: sanction_case(w, "proposed"),
        act=lambda w, ref, who: sanction_cases.respond(w.ctx, actor_key=who, ref=ref, text="our view"),
        allowed=supplier_side,
        needs=SUPPLIER_SIDE,
        source="SPEC §5: only the supplier responds, before the decision",
    ),
    Attempt(
        "sanction",
        "apply",
        has_sanctions,
        prepare=lambda w: sanction_case(w, "proposed"),
        act=lambda w, ref, who: sanction_cases.decide(w.ctx, actor_key=who, ref=ref, apply=True, reason="r"),
        allowed=DECIDERS,
        source="SPEC §5, B2 §1: the category applies a sanction",
    ),
    Attempt(
        "sanction",
        "waive",
        has_sanctions,
        prepare=lambda w: sanction_case(w, "awaiting_finding"),
        act=lambda w, ref, who: sanction_cases.decide(w.ctx, actor_key=who, ref=ref, apply=False, reason="r"),
        allowed=DECIDERS,
        source="SPEC §5, B2 §1: the category waives a sanction",
    ),
    # The survey's `measured_by` is prose too ("Categorie with the Deelnemers"): the engine lets every role
    # import a round. Left as the engine has it and reported (the supplier importing its own survey?).
    Attempt(
        "survey",
        "import",
        lambda profile: "survey" in section(profile, "kpis"),
        prepare=survey_file,
        act=lambda w, path, who: surveys.import_grades(
            w.ctx,
            actor_key=who,
            contract_key=w.contract,
            path=path,
            label=Path(path).stem,
            invited=None,
            responded=None,
        ),
        allowed=every_role,
        source="B2 §2.3; the profile names no importing role",
        start=date(2025, 1, 1),
    ),
    Attempt(
        "survey",
        "evaluate",
        lambda profile: "survey" in section(profile, "kpis"),
        prepare=imported_survey,
        act=lambda w, label, who: surveys.evaluate(
            w.ctx, actor_key=who, contract_key=w.contract, label=label
        ),
        allowed=client_or_participant,
        needs=CLIENT_SIDE,
        source="B2 §2.3: the client side evaluates the survey",
        start=date(2025, 1, 1),
    ),
    Attempt(
        "waiting-room",
        "evaluate",
        lambda profile: "waiting_room" in section(profile, "kpis"),
        prepare=next_moment,
        act=lambda w, moment, who: waiting_room_clause.evaluate(
            w.ctx,
            actor_key=who,
            contract_key=moment[0],
            moment=moment[1],
            finished="80",
            satisfied="80",
            quality="80",
        ),
        allowed=client_or_participant,
        needs=CLIENT_SIDE,
        source="TP §2.1.2: the client establishes the waiting-room norm",
        start=date(2025, 1, 1),
    ),
    # The profiles' obligations name who owes (owed_by) and to whom (owed_to) but not who records the
    # fulfilment: the engine lets every person on the contract record it. Left as it is and reported.
    Attempt(
        "obligation",
        "fulfil",
        has("obligations"),
        prepare=open_obligation,
        act=lambda w, ref, who: obligation_fulfil.fulfil(
            w.ctx, ref=ref, on=w.today(), reference="doc-1", actor_key=who, admin="admin"
        ),
        allowed=every_role,
        source="issue 6; the profile names no recording role",
    ),
]
