"""Customer-satisfaction survey, KTO (B2 §2.3): `survey import` and `survey evaluate`.

A round (e.g. "2026") holds each participant's grade 1-10 per topic of the profile's topic list, plus
how many were invited and how many responded (minimum response 70 %). An import is all or nothing, by
the roles the profile lets record the survey's KPI (`recorded_by` of `kto`: the Categorie).
The evaluation is the pure rule in rules/survey.py; S4 or S4+ opens a sanction case. A round below the
minimum response judges nothing: no verdict, no sanction case; the evaluation and the report say why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from escalation_engine.contracts.lookup import lock_contract, pinned_profile
from escalation_engine.contracts.participants import registered, resolve
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.date_bounds import period_within_contract
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.refs import require_line
from escalation_engine.core.sheets import Row, read_table, shown
from escalation_engine.core.tables import Contract
from escalation_engine.procedures.kpis.authority import require_survey_importer
from escalation_engine.procedures.kpis.findings import Finding, NewVerdict
from escalation_engine.procedures.kpis.profile import KpiSection, SurveySpec
from escalation_engine.procedures.kpis.results import MAX_LISTED_PROBLEMS, kpi_section
from escalation_engine.procedures.kpis.rules.sanctions import S4_PLUS_COMBINES_WITH, SurveySanction
from escalation_engine.procedures.kpis.rules.survey import SOURCE, check_grade, evaluate_survey
from escalation_engine.procedures.kpis.run import require_evaluator
from escalation_engine.procedures.kpis.survey_validity import not_valid, scores_view
from escalation_engine.procedures.kpis.tables import SurveyGrade, SurveyRound
from escalation_engine.procedures.kpis.verdicts import existing_verdict, verdict_view, write_verdict


def _survey(section: KpiSection, contract_key: str) -> SurveySpec:
    if section.survey is None:
        raise RuleRefused(
            f"contract {contract_key!r} has no customer-satisfaction survey in its profile",
            rule="the survey topics are profile data",
            source=SOURCE,
        )
    return section.survey


def _label(text: str) -> str:
    label = require_line(text, "survey round")
    if not label or len(label) > 16:
        raise BadInput(f"survey round {text!r} must be a short label such as 2026")
    return label


def _check_counts(invited: int | None, responded: int | None) -> None:
    if (invited is None) != (responded is None):
        raise BadInput("give both --invited and --responded, or neither")
    if invited is not None and responded is not None and (invited <= 0 or not 0 <= responded <= invited):
        raise BadInput(f"{responded} responses of {invited} invited is impossible", source=SOURCE)


def _check_round(session: Session, contract: Contract, survey: SurveySpec, label: str, today: date) -> None:
    """The first survey is held after 9 months (B2 §2.3); a round is imported once. A round named by its year
    is a year that overlaps the contract's life and has begun."""
    if label.isdigit() and len(label) == 4:
        year = int(label)
        period_within_contract(
            label, date(year, 1, 1), date(year, 12, 31), contract.start_date, today, "survey round"
        )
    first = contract.start_date + relativedelta(months=survey.first_after_months)
    if today < first:
        raise RuleRefused(
            f"the first survey of contract {contract.key!r} is held after {survey.first_after_months} months, "
            f"from {first.isoformat()}",
            rule="first measured after 9 months, then yearly",
            source=SOURCE,
        )
    existing = session.exec(
        select(SurveyRound).where(SurveyRound.contract_key == contract.key, SurveyRound.label == label)
    ).first()
    if existing is not None:
        raise RuleRefused(
            f"survey round {label} of contract {contract.key!r} was already imported from {existing.origin}",
            rule="one import per survey round",
            source=SOURCE,
        )


def import_grades(
    ctx: Ctx,
    *,
    actor_key: str | None,
    contract_key: str,
    path: Path,
    label: str | None,
    invited: int | None,
    responded: int | None,
) -> dict[str, Any]:
    rows = read_table(path, ("participant", "topic", "grade"))
    _check_counts(invited, responded)
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        survey = _survey(section, contract_key)
        actor = get_person(session, contract_key, actor_key)
        spec = section.kpi(survey.kpi)
        assert spec is not None  # the profile's validation checks survey.kpi
        require_survey_importer(profile, section, spec, actor)
        label = _label(label or str(local_date(now).year))
        _check_round(session, contract, survey, label, local_date(now))
        known = registered(session, contract_key)
        grades, problems = _check(rows, {topic.key for topic in survey.topics}, contract_key, known)
        if problems:
            listed = "\n  ".join(problems[:MAX_LISTED_PROBLEMS])
            raise BadInput(
                f"{path.name}: refused whole, nothing imported — {len(problems)} problem(s):\n  {listed}"
            )
        round_ = SurveyRound(
            contract_key=contract_key,
            label=label,
            invited=invited,
            responded=responded,
            origin=path.name,
            imported_by=actor.key,
            imported_at=now,
        )
        session.add(round_)
        session.flush()
        for (participant, topic), grade in grades.items():
            session.add(
                SurveyGrade(round_id=round_.id or 0, participant=participant, topic=topic, grade=grade)
            )
        summary = {"contract": contract_key, "round": label, "grades": len(grades), "file": path.name}
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor.key,
            actor_role=actor.role,
            action="survey.import",
            contract_key=contract_key,
            reason=f"{len(grades)} grade(s) of round {label} imported from {path.name}",
            payload={**summary, "invited": invited, "responded": responded},
        )
        return summary


def _check(
    rows: list[Row], topics: set[str], contract_key: str, known: list[str]
) -> tuple[dict[tuple[str, str], int], list[str]]:
    grades: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for row in rows:
        participant, topic, raw = (row.get(name) for name in ("participant", "topic", "grade"))
        if not participant.text:
            problems.append(f"row {row.number}, column participant: empty")
            continue
        try:
            who = resolve(participant.text, contract_key, known)
        except BadInput as exc:
            problems.append(f"row {row.number}, column participant: {exc.message}")
            continue
        if topic.text not in topics:
            problems.append(
                f"row {row.number}, column topic: unknown topic {topic.text!r} (known: {', '.join(sorted(topics))})"
            )
            continue
        try:
            grade = check_grade(_whole(raw.value), where=f"{participant.text!r} on topic {topic.text!r}")
        except BadInput as exc:
            problems.append(f"row {row.number}, column grade: {exc.message}")
            continue
        key = (who, topic.text)
        if key in first:
            problems.append(
                f"row {row.number}: {shown(key[0])} graded topic {shown(key[1])} already in row {first[key]}"
            )
            continue
        first[key] = row.number
        grades[key] = grade
    return grades, problems


def _whole(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    # isdecimal, not isdigit: int() refuses '²'; a long run of digits is no grade (and int() caps digits)
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 4:
        return int(value.strip())
    return value


def _round(session: Session, contract_key: str, label: str | None) -> SurveyRound:
    query = select(SurveyRound).where(SurveyRound.contract_key == contract_key)
    if label:
        query = query.where(SurveyRound.label == label)
    found = session.exec(query.order_by(col(SurveyRound.id).desc())).first()
    if found is None:
        what = f"round {label}" if label else "any round"
        raise NotFound(f"no survey {what} imported for contract {contract_key!r} (survey import …)")
    return found


def evaluate(ctx: Ctx, *, actor_key: str | None, contract_key: str, label: str | None) -> dict[str, Any]:
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        survey = _survey(section, contract_key)
        actor = get_person(session, contract_key, actor_key)
        require_evaluator(actor, "evaluating the survey", SOURCE)
        round_ = _round(session, contract_key, label)
        if existing_verdict(session, contract_key, "survey", survey.kpi, round_.label, ""):
            raise RuleRefused(
                f"survey round {round_.label} of contract {contract_key!r} was already evaluated (see report)",
                rule="one verdict per survey round",
                source=SOURCE,
            )
        grades = {
            (g.participant, g.topic): g.grade
            for g in session.exec(select(SurveyGrade).where(SurveyGrade.round_id == round_.id))
        }
        topics = [topic.key for topic in survey.topics]
        result = evaluate_survey(
            grades,
            topics,
            invited=round_.invited,
            responded=round_.responded,
            minimum_response=survey.minimum_response,
        )
        if not result.judges:
            return not_valid(ctx, session, actor, contract_key, round_, result, now)
        row = write_verdict(
            ctx,
            session,
            contract=contract,
            profile=profile,
            section=section,
            actor=actor,
            now=now,
            new=_new(survey, round_, result),
        )
        return {**verdict_view(row), "sanction": result.sanction.value, "scores": scores_view(result)}


def _new(survey: SurveySpec, round_: SurveyRound, result: Any) -> NewVerdict:
    sanction: SurveySanction = result.sanction
    findings = []
    if sanction is not SurveySanction.NONE:
        findings.append(
            Finding(
                "follow_up",
                "the category agrees the term for improvement with the supplier (kpi term); at its end the Matig "
                "and Slecht topics are assessed again",
                SOURCE,
            )
        )
    allowed: tuple[str, ...] = ()
    if sanction is SurveySanction.S4:
        allowed = ("S4",)
    elif sanction is SurveySanction.S4_PLUS:
        allowed = ("S4", *(code.value for code in S4_PLUS_COMBINES_WITH))
    return NewVerdict(
        kind="survey",
        kpi=survey.kpi,
        period=round_.label,
        met=sanction is SurveySanction.NONE,
        inputs={
            "round": round_.label,
            "topics": list(result.topics),
            "grades": [list(g) for g in result.grades],
            "invited": result.invited,
            "responded": result.responded,
            "minimum_response": str(result.minimum_response),
            "scores": scores_view(result),
            "not_graded": list(result.not_graded),
            "response_valid": result.response_valid,
        },
        explanation=result.explanation,
        source=SOURCE,
        findings=findings,
        allowed=allowed,
        outcome="" if sanction is SurveySanction.NONE else sanction.value,
    )
