"""A customer-satisfaction survey round below the minimum response (B2 §2.3: "De minimale respons van de
gevraagde medewerkers op de KTO is tenminste 70%") is not valid and judges nothing: no verdict, no
sanction case. The evaluation records that in the audit trail and says why; the report lists such rounds."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.procedures.kpis.profile import SurveySpec
from escalation_engine.procedures.kpis.rules.sanctions import SurveySanction
from escalation_engine.procedures.kpis.rules.survey import SOURCE, display
from escalation_engine.procedures.kpis.tables import SurveyRound


def not_valid(
    ctx: Ctx, session: Session, actor: Any, contract_key: str, round_: SurveyRound, result: Any, now: Any
) -> dict[str, Any]:
    """A round below the minimum response: recorded in the audit trail, no verdict, no sanction case."""
    audit.append(
        ctx.db,
        session,
        now=now,
        actor=actor.key,
        actor_role=actor.role,
        action="survey.not_valid",
        contract_key=contract_key,
        reason=result.explanation,
        payload={"round": round_.label, "invited": round_.invited, "responded": round_.responded},
    )
    return {
        "verdict": None,
        "contract": contract_key,
        "kpi": None,
        "period": round_.label,
        "participant": None,
        "result": "not valid",
        "met": None,
        "valid": False,
        "response": result.response_rate_display,
        "explanation": result.explanation,
        "findings": [],
        "sanction": SurveySanction.NONE.value,
        "scores": scores_view(result),
    }


def not_valid_rounds(session: Session, contract_key: str, survey: SurveySpec | None) -> list[dict[str, Any]]:
    """The imported rounds below the minimum response, for the report: they judge nothing (B2 §2.3)."""
    if survey is None:
        return []
    rows = session.exec(
        select(SurveyRound).where(SurveyRound.contract_key == contract_key).order_by(col(SurveyRound.id))
    )
    found = []
    for row in rows:
        if (
            row.invited
            and row.responded is not None
            and row.responded < survey.minimum_response * row.invited
        ):
            found.append(
                {
                    "round": row.label,
                    "invited": row.invited,
                    "responded": row.responded,
                    "why": f"response {row.responded} of {row.invited} is below the minimum of "
                    f"{display(survey.minimum_response * 100)} % ({SOURCE}): the round is not valid and judges nothing",
                }
            )
    return found


def scores_view(result: Any) -> list[dict[str, Any]]:
    return [
        {
            "topic": s.topic,
            "score": str(s.score),
            "shown": s.score_display,
            "class": s.classification.value,
            "participants": s.participants,
        }
        for s in result.scores
    ]
