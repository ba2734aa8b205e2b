"""Customer-satisfaction survey, KTO (klanttevredenheidsonderzoek), B2 §2.3.

Participants grade each topic ('Onderwerp' of a 'Belevingsfactor') 1-10. A topic's score is the sum of
the grades divided by the number of participants that graded *that topic*: < 4 Slecht, >= 4 and < 7 Matig,
>= 7 Goed. Minimum response 70 %. Sanction: S4+ with two or more scores below 4; S4 with a score below 7
and at most one below 4; none when all are >= 7. Ungraded topics are listed as "not graded" and do not
count. The topic list is profile data (the seed's factor table and its worked examples differ).

Numbers (rounding rule): compute exactly, compare unrounded, display rounded half-up to 2 decimals.
Scores and rates are ``Decimal`` quotients in a fixed 28-digit context; classes and the response rule are
decided by exact comparisons (``sum < 4 x n``, ``responded >= 0.70 x invited``), so rounding never moves
a topic across a boundary. Only display strings are rounded (ROUND_HALF_UP, 2 decimals).

The sanction is a proposal: sanctions apply only when the supplier is culpable and the Categorie decides
(B2 §5). A round below the minimum response ("De minimale respons ... is tenminste 70%", B2 §2.3) is not
valid (``response_valid is False``) and judges nothing: its scores are shown, but it proposes no sanction
(``judges`` is False) and the engine records no verdict for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.sanctions import SurveySanction

SOURCE = "B2 §2.3"
MIN_GRADE = 1
MAX_GRADE = 10
SLECHT_BELOW = 4
GOED_FROM = 7
MINIMUM_RESPONSE = Decimal("0.70")

_CONTEXT = Context(prec=28)
_CENT = Decimal("0.01")


class TopicClass(StrEnum):
    """Classes of B2 §2.3 'Prestatienorm'."""

    SLECHT = "Slecht"
    MATIG = "Matig"
    GOED = "Goed"


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    grades: tuple[tuple[str, int], ...]  # (participant, grade), participants sorted
    total: int
    participants: int
    score: Decimal
    classification: TopicClass

    @property
    def score_display(self) -> str:
        boundary = SLECHT_BELOW if self.classification is TopicClass.SLECHT else GOED_FROM
        return display(self.score, boundary=boundary)


@dataclass(frozen=True, slots=True)
class SurveyVerdict:
    # inputs
    topics: tuple[str, ...]
    grades: tuple[tuple[str, str, int], ...]  # (participant, topic, grade), sorted
    invited: int | None
    responded: int | None
    minimum_response: Decimal
    # outcome
    scores: tuple[TopicScore, ...]  # graded topics, in the order of ``topics``
    not_graded: tuple[str, ...]
    response_rate: Decimal | None  # fraction responded / invited; None when unknown
    response_valid: bool | None  # None = unknown (invited/responded not given)
    below_4: tuple[str, ...]
    below_7: tuple[str, ...]
    sanction: SurveySanction
    explanation: str
    source: str = SOURCE

    @property
    def judges(self) -> bool:
        """False for a round below the minimum response: it gives no verdict and no sanction (B2 §2.3)."""
        return self.response_valid is not False

    @property
    def response_status(self) -> str:
        return {True: "valid", False: "not valid", None: "unknown"}[self.response_valid]

    @property
    def response_rate_display(self) -> str | None:
        if self.response_rate is None:
            return None
        return display(self.response_rate * 100, boundary=self.minimum_response * 100) + " %"

    def score_of(self, topic: str) -> TopicScore | None:
        return next((score for score in self.scores if score.topic == topic), None)


def display(value: Decimal, *, boundary: Decimal | int | None = None) -> str:
    """Round half-up to 2 decimals for display only (never for comparison).

    When rounding would make a value that is below ``boundary`` look equal to it (94.995 -> "95.00"), the
    exact value is shown instead, so a text never contradicts its verdict.
    """
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if boundary is not None and value < boundary <= rounded:
        return format(value.normalize(), "f")
    return str(rounded)


def check_grade(grade: object, *, where: str = "") -> int:
    """A report grade must be a whole number 1-10 (B2 §2.3); BadInput otherwise."""
    if isinstance(grade, bool) or not isinstance(grade, int) or not MIN_GRADE <= grade <= MAX_GRADE:
        suffix = f" for {where}" if where else ""
        raise BadInput(f"grade {grade!r}{suffix} is not a whole number from 1 to 10", source=SOURCE)
    return grade


def topic_score(grades: Sequence[int]) -> Decimal:
    """Sum of the grades divided by the number of participants that graded the topic (B2 §2.3)."""
    checked = [check_grade(grade) for grade in grades]
    if not checked:
        raise BadInput("a topic score needs at least one grade", source=SOURCE)
    return _CONTEXT.divide(Decimal(sum(checked)), Decimal(len(checked)))


def classify(score: Decimal) -> TopicClass:
    """< 4 Slecht, >= 4 and < 7 Matig, >= 7 Goed (B2 §2.3), on the unrounded score."""
    if score < SLECHT_BELOW:
        return TopicClass.SLECHT
    if score < GOED_FROM:
        return TopicClass.MATIG
    return TopicClass.GOED


def _classify_exact(total: int, participants: int) -> TopicClass:
    if total < SLECHT_BELOW * participants:
        return TopicClass.SLECHT
    if total < GOED_FROM * participants:
        return TopicClass.MATIG
    return TopicClass.GOED


def survey_sanction(scores: Sequence[TopicScore]) -> SurveySanction:
    """S4+ with two or more scores below 4; S4 with a score below 7 and at most one below 4; else none."""
    below_4 = sum(1 for score in scores if score.classification is TopicClass.SLECHT)
    below_7 = sum(1 for score in scores if score.classification is not TopicClass.GOED)
    if below_4 >= 2:
        return SurveySanction.S4_PLUS
    if below_7 >= 1:
        return SurveySanction.S4
    return SurveySanction.NONE


def evaluate_survey(
    grades: Mapping[tuple[str, str], int],
    topics: Sequence[str],
    *,
    invited: int | None = None,
    responded: int | None = None,
    minimum_response: Decimal = MINIMUM_RESPONSE,
) -> SurveyVerdict:
    """Score every topic, check the response and propose the sanction of B2 §2.3."""
    topic_list = _check_topics(topics)
    rows = _check_grades(grades, topic_list)
    rate, valid = _response(invited, responded, minimum_response)
    scores: list[TopicScore] = []
    not_graded: list[str] = []
    for topic in topic_list:
        given = tuple((participant, grade) for participant, name, grade in rows if name == topic)
        if not given:
            not_graded.append(topic)
            continue
        total = sum(grade for _, grade in given)
        score = _CONTEXT.divide(Decimal(total), Decimal(len(given)))
        scores.append(TopicScore(topic, given, total, len(given), score, _classify_exact(total, len(given))))
    sanction = survey_sanction(scores) if valid is not False else SurveySanction.NONE
    below_4 = tuple(s.topic for s in scores if s.classification is TopicClass.SLECHT)
    below_7 = tuple(s.topic for s in scores if s.classification is not TopicClass.GOED)
    return SurveyVerdict(
        topics=topic_list,
        grades=rows,
        invited=invited,
        responded=responded,
        minimum_response=minimum_response,
        scores=tuple(scores),
        not_graded=tuple(not_graded),
        response_rate=rate,
        response_valid=valid,
        below_4=below_4,
        below_7=below_7,
        sanction=sanction,
        explanation=_explain(scores, not_graded, sanction, rate, valid, minimum_response),
    )


def _check_topics(topics: Sequence[str]) -> tuple[str, ...]:
    if isinstance(topics, str) or not topics:
        raise BadInput("the survey needs a non-empty list of topics", source=SOURCE)
    seen: set[str] = set()
    for topic in topics:
        if not isinstance(topic, str) or not topic.strip():
            raise BadInput(f"topic {topic!r} is not a non-empty name", source=SOURCE)
        if topic in seen:
            raise BadInput(f"topic {topic!r} is listed twice", source=SOURCE)
        seen.add(topic)
    return tuple(topics)


def _check_grades(
    grades: Mapping[tuple[str, str], int], topics: tuple[str, ...]
) -> tuple[tuple[str, str, int], ...]:
    if not grades:
        raise BadInput("the survey has no grades at all", source=SOURCE)
    rows: list[tuple[str, str, int]] = []
    for key, grade in grades.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(part, str) for part in key)):
            raise BadInput(f"grade key {key!r} is not a (participant, topic) pair", source=SOURCE)
        participant, topic = key
        if topic not in topics:
            raise BadInput(f"participant {participant!r} graded unknown topic {topic!r}", source=SOURCE)
        rows.append((participant, topic, check_grade(grade, where=f"{participant!r} on topic {topic!r}")))
    return tuple(sorted(rows))


def _response(
    invited: int | None, responded: int | None, minimum: Decimal
) -> tuple[Decimal | None, bool | None]:
    if not isinstance(minimum, Decimal) or not minimum.is_finite() or not 0 <= minimum <= 1:
        raise BadInput(f"minimum_response {minimum!r} must be a Decimal fraction from 0 to 1", source=SOURCE)
    if invited is None and responded is None:
        return None, None
    if invited is None or responded is None:
        raise BadInput("give both invited and responded, or neither", source=SOURCE)
    for name, value in (("invited", invited), ("responded", responded)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadInput(f"{name} must be a whole number >= 0, got {value!r}", source=SOURCE)
    if invited == 0 or responded > invited:
        raise BadInput(f"{responded} responses of {invited} invited is impossible", source=SOURCE)
    rate = _CONTEXT.divide(Decimal(responded), Decimal(invited))
    return rate, Decimal(responded) >= minimum * invited


def _explain(
    scores: Sequence[TopicScore],
    not_graded: Sequence[str],
    sanction: SurveySanction,
    rate: Decimal | None,
    valid: bool | None,
    minimum: Decimal,
) -> str:
    def listing(cls: TopicClass) -> str:
        bound = SLECHT_BELOW if cls is TopicClass.SLECHT else GOED_FROM
        shown = [f"{s.topic} {display(s.score, boundary=bound)}" for s in scores if s.classification is cls]
        return ", ".join(shown) or "none"

    slecht, matig = listing(TopicClass.SLECHT), listing(TopicClass.MATIG)
    low = display(minimum * 100)
    if valid is False and rate is not None:
        shown = display(rate * 100, boundary=minimum * 100)
        return (
            f"{SOURCE}: response {shown} % is below the minimum of {low} %: the survey round is not valid and "
            f"judges nothing — no verdict, no sanction. (Scores for information: Slecht (< 4): {slecht}; "
            f"Matig (>= 4, < 7): {matig}.) Hold the survey again with enough responses and import that round."
        )
    parts = [f"{SOURCE}: {len(scores)} topic(s) scored; Slecht (< 4): {slecht}; Matig (>= 4, < 7): {matig}."]
    if not_graded:
        parts.append(f"Not graded (not counted): {', '.join(not_graded)}.")
    parts.append(
        _REASONS[sanction] + (f" -> proposed {sanction.describe().rstrip('.')}." if sanction.base else ".")
    )
    if sanction.base:
        parts.append("The category decides whether to apply it, only if the supplier is culpable (B2 §5).")
    if rate is None:
        parts.append(f"Response unknown: cannot check the minimum response of {low} %.")
    else:
        state = "meets" if valid else "is below, survey not valid for"
        parts.append(
            f"Response {display(rate * 100, boundary=minimum * 100)} % {state} the minimum of {low} %."
        )
    return " ".join(parts)


_REASONS = {
    SurveySanction.S4_PLUS: "Two or more scores below 4",
    SurveySanction.S4: "A score below 7 and at most one below 4",
    SurveySanction.NONE: "Every score is 7 or more -> no sanction",
}
