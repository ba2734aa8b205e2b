"""The authority table's rows for KPI results and verdicts (B2 §2, TP table 1), sanctions (SPEC §5), the
survey (B2 §2.3), the waiting-room clause (TP §2.1.2) and obligations; run by
tests/faults/test_authority_table_procedures.py. Allowed roles and sides are read from the profile YAML."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from authority_kpi_cases import (
    evaluated,
    fulfilled_obligation,
    imported_survey,
    new_result,
    next_moment,
    open_obligation,
    record,
    recordable_result,
    result_file,
    sanction_case,
    survey_file,
)
from authority_rows import Attempt, Roles, has, listed
from authority_support import (
    World,
    client_or_participant,
    kpi_definitions,
    kpi_recorders,
    obligation_fulfillers,
    section,
    supplier_side,
)

from escalation_engine.procedures.kpis import (
    evaluate as kpi_evaluate,
)
from escalation_engine.procedures.kpis import (
    follow_up as kpi_follow_up,
)
from escalation_engine.procedures.kpis import (
    results as kpis,
)
from escalation_engine.procedures.kpis import (
    results_import as kpi_import,
)
from escalation_engine.procedures.kpis import (
    sanctions as sanction_cases,
)
from escalation_engine.procedures.kpis import (
    surveys,
)
from escalation_engine.procedures.kpis import (
    waiting_room as waiting_room_clause,
)
from escalation_engine.procedures.obligations import (
    fulfil as obligation_fulfil,
)
from escalation_engine.procedures.obligations import (
    reopen as obligation_reopen,
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
        value=result["value"],
        participant=result["participant"] or None,
    )


def _survey_recorders(profile: str, _case: object) -> set[str]:
    """A survey round is the result of the survey's KPI: its recorded_by imports it."""
    return kpi_recorders(profile, section(profile, "kpis")["survey"]["kpi"])


def _prepare_evaluation(w: World) -> str:
    result = new_result(w)
    record(w, result, "100")
    return result["period"]


KPI_START = date(2010, 1, 1)
KPI_ATTEMPTS = [
    # Who records a KPI's results: its `recorded_by`, else the kpis section's (B2: the Categorie, and each
    # Deelnemer for decentral delivery reliability; TP: the supplier reports, the client side too). Every KPI
    # recorded by value is tried in turn, so each grant of the profile is.
    Attempt(
        "kpi",
        "record",
        has("kpis"),
        prepare=recordable_result,
        act=lambda w, result, who: _record(w, result, who),
        allowed=lambda profile: set(),
        allowed_for=lambda profile, result: kpi_recorders(profile, result["kpi"]),
        source="B2 §2, TP table 1 and §2.1: recorded_by of the KPI (or of the kpis section)",
    ),
    Attempt(
        "kpi",
        "import",
        has("kpis"),
        prepare=result_file,
        act=lambda w, case, who: kpi_import.import_file(
            w.ctx, actor_key=who, contract_key=w.contract, path=case[0]
        ),
        allowed=lambda profile: set(),
        allowed_for=lambda profile, case: kpi_recorders(profile, case[1]["kpi"]),
        source="B2 §2, TP table 1 and §2.1: every row's KPI is recorded by its recorded_by",
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
        act=lambda w, ref, who: sanction_cases.decide(
            w.ctx, actor_key=who, ref=ref, apply=True, reason="r", cannot_wait="the indexation is due today"
        ),
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
    # A survey round is the survey KPI's result (B2 §2.3: the Categorie evaluates with the Deelnemers):
    # imported by that KPI's recorded_by, never by the supplier it grades.
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
        allowed=lambda profile: _survey_recorders(profile, None),
        source="B2 §2.3; recorded_by of the survey's KPI (kto)",
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
    # Who records an obligation's fulfilment: the item's fulfilled_by, else the section's (by default the
    # side it is owed to: the supplier never confirms its own plan or report). The open obligations are
    # tried in due order, so the section default and the items' own grants are.
    Attempt(
        "obligation",
        "fulfil",
        has("obligations"),
        prepare=open_obligation,
        act=lambda w, row, who: obligation_fulfil.fulfil(
            w.ctx, ref=row["id"], on=w.today(), reference="doc-1", actor_key=who
        ),
        allowed=lambda profile: set(),
        allowed_for=lambda profile, row: obligation_fulfillers(profile, row["obligation"]),
        source="B2 §2.1, TP §2.1.3 and §3: fulfilled_by of the obligation (or of the obligations section)",
    ),
    # Taking a fulfilment back is for the same people who record it.
    Attempt(
        "obligation",
        "reopen",
        has("obligations"),
        prepare=fulfilled_obligation,
        act=lambda w, row, who: obligation_reopen.reopen(
            w.ctx, ref=row["id"], reason="recorded by mistake", actor_key=who
        ),
        allowed=lambda profile: set(),
        allowed_for=lambda profile, row: obligation_fulfillers(profile, row["obligation"]),
        source="policy default: the people who record a fulfilment may take it back",
    ),
]
# KPI and sanction cases record a fresh period for every attempt, walking back from today: on a contract
# started in 2010 each of them lies within the contract's life (periods before its start are refused).
KPI_ATTEMPTS = [
    replace(a, start=KPI_START) if a.procedure in ("kpi", "sanction") else a for a in KPI_ATTEMPTS
]
