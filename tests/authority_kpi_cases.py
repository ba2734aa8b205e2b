"""Bringing KPI results, verdicts, sanction cases, survey rounds, waiting-room moments and obligations to
the state before an action, for the authority table (tests/authority_rows_kpis.py). Every step is done by a
person the profile allows, read from the profile's YAML."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from authority_support import World, kpi_definitions, kpi_recorders, monthly_percentage_kpis, roles, section
from kpi_support import write_csv
from support import register


# --- KPI results, verdicts and sanctions (B2 §2, §5; TP table 1) -------------------------------------
def participant(w: World, n: int) -> str:
    """A fresh participant, registered on the contract (results name a registered participant)."""
    from escalation_engine.contracts.participants import add_participant, list_participants

    name = f"Deelnemer {n}"
    if name not in {p["name"] for p in list_participants(w.ctx, contract_key=w.contract)}:
        add_participant(w.ctx, contract_key=w.contract, name=name, actor="t")
    return name


def new_result(w: World) -> dict[str, str]:
    """A result nobody recorded yet, for January: a fresh participant of a decentral KPI, or the next central
    KPI (one result per KPI, period and participant); January 2026, then a year earlier once round."""
    n = w.next()
    kpis = monthly_percentage_kpis(w.profile)
    spec = kpis[n % len(kpis)]
    if spec["scope"] == "decentral":
        return {"kpi": spec["ref"], "period": "2026-01", "participant": participant(w, n)}
    return {"kpi": spec["ref"], "period": f"{2026 - n // len(kpis)}-01", "participant": ""}


def record(w: World, result: dict[str, str], value: str) -> None:
    from escalation_engine.procedures.kpis import results as kpis

    kpis.record(
        w.ctx,
        actor_key=w.first(kpi_recorders(w.profile, result["kpi"])),
        contract_key=w.contract,
        kpi=result["kpi"],
        period=result["period"],
        value=value,
        participant=result["participant"] or None,
    )


def recordable_result(w: World) -> dict[str, str]:
    """A result nobody recorded yet of the next KPI recorded by value (percentage or yes/no, any period kind;
    not a KPI judged by an obligation's delivery, which has no value to record), so that every KPI's recorded_by is tried in turn; a fresh participant for a decentral KPI."""
    n = w.next()
    kpis = [
        d
        for d in kpi_definitions(w.profile)
        if d["measure"] in ("percentage", "yes-no")
        and (d.get("obligation") or {}).get("judged_by") != "delivery"  # judged from `obligation fulfil`
    ]
    spec = kpis[n % len(kpis)]
    year = 2026 - n // len(kpis)
    kind = spec["periods"][0]
    period = {"month": f"{year}-01", "quarter": f"{year}-Q1", "half-year": f"{year}-H1", "year": f"{year}"}[
        kind
    ]
    value = "100" if spec["measure"] == "percentage" else "yes"
    who = participant(w, n) if spec["scope"] == "decentral" else ""
    return {"kpi": spec["ref"], "period": period, "participant": who, "value": value}


def result_file(w: World) -> tuple[Path, dict[str, str]]:
    """A file of one recordable result, and that result."""
    result = recordable_result(w)
    rows = [[result["kpi"], result["period"], result["value"], result["participant"]]]
    return write_csv(
        w.tmp / f"results-{w.next()}.csv", ["kpi", "period", "value", "participant"], rows
    ), result


def evaluated(w: World, value: str, *, quarter: bool = False) -> dict[str, Any]:
    """Record a result and evaluate its period as the client side; the verdict of that result.
    quarter=True: a decentral figure in a past quarter, evaluated as the central quarter verdict."""
    from escalation_engine.procedures.kpis.evaluate import evaluate_period

    result = new_result(w)
    if quarter:  # one central verdict per quarter: a fresh ended quarter for each case, walking back
        year, index = divmod(2025 * 4 + 3 - w.next(), 4)
        result = {**result, "period": f"{year}-{index * 3 + 1:02d}"}
    record(w, result, value)
    period = (
        f"{result['period'][:4]}-Q{(int(result['period'][5:7]) - 1) // 3 + 1}"
        if quarter
        else result["period"]
    )
    views = evaluate_period(w.ctx, actor_key=w.client(), contract_key=w.contract, period=period)["verdicts"]
    for verdict in views:
        if verdict["kind"] == "delivery-central" if quarter else _same(verdict, result):
            return dict(verdict)
    raise AssertionError(f"no verdict for {result} in {views}")


def _same(verdict: dict[str, Any], result: dict[str, str]) -> bool:
    return bool(verdict["kpi"] == result["kpi"] and (verdict["participant"] or "") == result["participant"])


def sanction_case(w: World, until: str) -> str:
    """A sanction case after a missed norm: awaiting_finding, or proposed (the category found culpability)."""
    from escalation_engine.procedures.kpis import sanctions as sanction_cases

    verdict = evaluated(w, "50")
    case = next(
        s["sanction"]
        for s in sanction_cases.list_sanctions(w.ctx, contract_key=w.contract)
        if s["verdict"] == verdict["verdict"]
    )
    if until == "proposed":
        decider = w.first(roles(w.profile, "kpis", "sanctions_decided_by"))
        sanction_cases.propose(
            w.ctx, actor_key=decider, ref=case, culpable=True, finding="culpable", codes=["S1"]
        )
    return str(case)


def survey_file(w: World) -> Path:
    """A survey round with every topic graded 8 by two participants (file name = the round's label)."""
    topics = [topic["key"] for topic in section(w.profile, "kpis")["survey"]["topics"]]
    rows = [[who, topic, 8] for who in ("Deelnemer A", "Deelnemer B") for topic in topics]
    return write_csv(w.tmp / f"r{w.next()}.csv", ["participant", "topic", "grade"], rows)


def imported_survey(w: World) -> str:
    from escalation_engine.procedures.kpis import surveys

    path = survey_file(w)
    surveys.import_grades(
        w.ctx,
        actor_key=w.first(kpi_recorders(w.profile, section(w.profile, "kpis")["survey"]["kpi"])),
        contract_key=w.contract,
        path=path,
        label=path.stem,
        invited=None,
        responded=None,
    )
    return path.stem


def next_moment(w: World) -> tuple[str, int]:
    """The next waiting-room measurement moment not yet established (months 6, 9, 12 in order, TP §2.1.2):
    on contract C first, then on another contract of the profile started on 1 Jan 2025."""
    w.moments += 1
    number, index = divmod(w.moments - 1, 3)
    contract = w.contract if number == 0 else f"W{number}"
    if number and index == 0:
        register(w.ctx, key=contract, profile=w.profile, start=date(2025, 1, 1))
    return contract, (6, 9, 12)[index]


def open_obligation(w: World) -> dict[str, Any]:
    """The first open obligation of the contract (its id and its key in the profile)."""
    from escalation_engine.procedures.obligations.listing import list_obligations

    first: dict[str, Any] = list_obligations(w.ctx, contract_key=w.contract, state="open")[0]
    return first


def fulfilled_obligation(w: World) -> dict[str, Any]:
    """The first open obligation, fulfilled today by the first person who may record it."""
    from authority_support import obligation_fulfillers

    from escalation_engine.procedures.obligations.fulfil import fulfil

    row = open_obligation(w)
    who = w.first(obligation_fulfillers(w.profile, row["obligation"]))
    fulfil(w.ctx, ref=row["id"], on=w.today(), reference="doc-1", actor_key=who)
    return row
