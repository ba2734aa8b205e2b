"""Every explanation the KPI rules give — delivery reliability, the survey, the waiting room — reads as Dutch
in a Dutch notice, whatever the figures (B2 §2.2, §2.3; TP §2.1.2)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from escalation_engine.core.rule_texts import localise
from escalation_engine.procedures.kpis.rules.delivery import evaluate_central, evaluate_decentral
from escalation_engine.procedures.kpis.rules.norms import judge
from escalation_engine.procedures.kpis.rules.survey import evaluate_survey
from escalation_engine.procedures.kpis.rules.waiting_room import evaluate_clause, evaluate_moment

ENGLISH = re.compile(
    r"\b(the|and|are|missed|below|meets|norm of|availability|participants|supplier|category|month|months|"
    r"days|response|survey|topics?|none|proposed|sanction|clause|invoked|improvements?|graded|every|within)\b"
)
PCT = st.decimals(min_value=0, max_value=100, places=2)


def _dutch(text: str) -> str:
    shown = localise(text, "nl")
    assert not ENGLISH.search(shown), shown
    return shown


@given(PCT, st.integers(min_value=1, max_value=12))
def test_a_participants_monthly_delivery_verdict_reads_as_dutch(pct: Decimal, month: int) -> None:
    _dutch(evaluate_decentral("DJI", date(2026, month, 1), pct).explanation)


@given(st.lists(st.lists(PCT, min_size=1, max_size=3), min_size=1, max_size=6))
def test_the_central_delivery_verdict_reads_as_dutch(figures: list[list[Decimal]]) -> None:
    per = {f"Deelnemer {i}": values for i, values in enumerate(figures)}
    _dutch(evaluate_central("2026-Q1", per).explanation)


@given(PCT, st.booleans())
def test_a_recorded_value_against_its_norm_reads_as_dutch(pct: Decimal, yes: bool) -> None:
    name = "Customer satisfaction (KTO)"  # a KPI name of the shipped profile
    _dutch(
        judge("percentage", str(pct), Decimal(95), name=name, period="2026-03", source="B2 §2.2").explanation
    )
    _dutch(judge("yes-no", "1" if yes else "0", None, name=name, period="2026", source="B2 §2.3").explanation)


@settings(max_examples=60)
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["Deelnemer 1", "Deelnemer 2", "Deelnemer 3"]), st.sampled_from(["1a", "2b", "3"])
        ),
        st.integers(min_value=1, max_value=10),
        min_size=1,
    ),
    st.one_of(st.none(), st.tuples(st.integers(10, 20), st.integers(0, 10))),
)
def test_a_survey_verdict_reads_as_dutch(
    grades: dict[tuple[str, str], int], response: tuple[int, int] | None
) -> None:
    invited, responded = response if response else (None, None)
    verdict = evaluate_survey(grades, ["1a", "2b", "3", "4a"], invited=invited, responded=responded)
    _dutch(verdict.explanation)


@given(PCT, PCT, PCT, st.sampled_from([6, 9, 12]))
def test_a_waiting_room_moment_reads_as_dutch(
    finished: Decimal, satisfied: Decimal, quality: Decimal, month: int
) -> None:
    _dutch(evaluate_moment(month, finished, satisfied, quality).explanation)


@given(st.booleans(), st.booleans(), st.booleans())
def test_the_waiting_room_clause_reads_as_dutch(six: bool, nine: bool, twelve: bool) -> None:
    _dutch(evaluate_clause({6: six, 9: nine, 12: twelve}).explanation)
