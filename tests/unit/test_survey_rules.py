"""KTO — customer-satisfaction survey rules, B2 §2.3 (seed 000, 'Voorbeeld 1/2 berekening KTO')."""

from __future__ import annotations

from decimal import Decimal

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.sanctions import SurveySanction
from escalation_engine.procedures.kpis.rules.survey import (
    TopicClass,
    classify,
    evaluate_survey,
    topic_score,
)

# Topics of the seed's worked examples: Belevingsfactor 1-7 with their Onderwerpen a, b, c.
EXAMPLE_FACTORS = {1: "ab", 2: "abc", 3: "a", 4: "abc", 5: "ab", 6: "abc", 7: "abc"}
EXAMPLE_TOPICS = tuple(f"{factor}{topic}" for factor, topics in EXAMPLE_FACTORS.items() for topic in topics)
GOOD_GRADE = 8  # the examples mark the other topics only "Goed"; any grade >= 7 models that


def seed_example(bad: dict[str, tuple[str, int]]) -> dict[tuple[str, str], int]:
    """Grades like the seed's tables: the listed topics get one grade, every other topic a Goed grade."""
    grades = {("Deelnemer 1", topic): GOOD_GRADE for topic in EXAMPLE_TOPICS if topic not in bad}
    for topic, (participant, grade) in bad.items():
        grades[(participant, topic)] = grade
    return grades


EXAMPLE_1 = seed_example(
    {"1a": ("Deelnemer 2", 5), "2a": ("Deelnemer 1", 5), "4c": ("Deelnemer 3", 3), "6b": ("Deelnemer 2", 3)}
)
EXAMPLE_2 = seed_example({"2a": ("Deelnemer 1", 5), "3a": ("Deelnemer 3", 4), "6b": ("Deelnemer 2", 3)})


def test_two_topic_scores_below_4_give_sanction_s4_plus_as_in_seed_example_1() -> None:
    verdict = evaluate_survey(EXAMPLE_1, EXAMPLE_TOPICS)
    assert verdict.sanction is SurveySanction.S4_PLUS
    assert verdict.below_4 == ("4c", "6b")
    assert verdict.below_7 == ("1a", "2a", "4c", "6b")


def test_seed_example_1_classifies_each_topic_as_the_seed_table_does() -> None:
    verdict = evaluate_survey(EXAMPLE_1, EXAMPLE_TOPICS)
    expected = {
        "1a": TopicClass.MATIG,
        "2a": TopicClass.MATIG,
        "4c": TopicClass.SLECHT,
        "6b": TopicClass.SLECHT,
    }
    for score in verdict.scores:
        assert score.classification is expected.get(score.topic, TopicClass.GOED), score.topic
    assert len(verdict.scores) == len(EXAMPLE_TOPICS)


def test_one_topic_score_below_4_and_others_below_7_give_sanction_s4_as_in_seed_example_2() -> None:
    verdict = evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS)
    assert verdict.sanction is SurveySanction.S4
    assert verdict.below_4 == ("6b",)
    assert verdict.below_7 == ("2a", "3a", "6b")


def test_grade_4_in_seed_example_2_is_matig_not_slecht() -> None:
    score = evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS).score_of("3a")
    assert score is not None
    assert score.score == Decimal(4)
    assert score.classification is TopicClass.MATIG


def test_all_scores_7_or_more_give_no_sanction() -> None:
    verdict = evaluate_survey(seed_example({}), EXAMPLE_TOPICS)
    assert verdict.sanction is SurveySanction.NONE
    assert verdict.below_7 == ()


def test_one_score_below_4_alone_gives_s4() -> None:
    verdict = evaluate_survey(seed_example({"6b": ("Deelnemer 2", 3)}), EXAMPLE_TOPICS)
    assert verdict.sanction is SurveySanction.S4


def test_matig_scores_only_give_s4_whatever_their_number() -> None:
    bad = {topic: ("Deelnemer 1", 6) for topic in EXAMPLE_TOPICS[:10]}
    assert evaluate_survey(seed_example(bad), EXAMPLE_TOPICS).sanction is SurveySanction.S4


def test_s4_plus_means_s4_combined_with_s1_s2_s3_or_s5_at_the_categorys_choice() -> None:
    verdict = evaluate_survey(EXAMPLE_1, EXAMPLE_TOPICS)
    assert [code.value for code in verdict.sanction.combinable_with] == ["S1", "S2", "S3", "S5"]
    assert verdict.sanction.base is not None and verdict.sanction.base.value == "S4"
    assert "B2 §2.3" in verdict.explanation and "S4+" in verdict.explanation


def test_a_topic_score_is_the_sum_divided_by_the_participants_that_graded_that_topic() -> None:
    grades = {("A", "x"): 8, ("B", "x"): 6, ("A", "y"): 9, ("B", "y"): 9, ("C", "y"): 9}
    verdict = evaluate_survey(grades, ["x", "y"])
    x = verdict.score_of("x")
    assert x is not None
    assert (x.total, x.participants, x.score) == (14, 2, Decimal(7))  # not 14 / 3 participants
    assert x.classification is TopicClass.GOED


def test_topic_score_averages_the_given_grades() -> None:
    assert topic_score([5, 6, 8]) == Decimal("6.333333333333333333333333333")
    assert topic_score([10]) == Decimal(10)


def test_a_score_of_exactly_4_is_matig() -> None:
    assert classify(topic_score([3, 5])) is TopicClass.MATIG


def test_a_score_just_below_4_is_slecht() -> None:
    assert classify(topic_score([4] * 99 + [3])) is TopicClass.SLECHT  # 3.99


def test_a_score_of_exactly_7_is_goed() -> None:
    verdict = evaluate_survey({("A", "x"): 6, ("B", "x"): 8}, ["x"])
    assert verdict.scores[0].classification is TopicClass.GOED
    assert verdict.sanction is SurveySanction.NONE


def test_an_average_of_6_99_is_matig_and_gives_s4() -> None:
    grades = {(f"P{n:03d}", "x"): 7 for n in range(99)} | {("P999", "x"): 6}
    verdict = evaluate_survey(grades, ["x"])
    assert verdict.scores[0].score == Decimal("6.99")
    assert verdict.scores[0].classification is TopicClass.MATIG
    assert verdict.sanction is SurveySanction.S4


def test_a_repeating_average_is_compared_unrounded_but_shown_rounded_half_up() -> None:
    verdict = evaluate_survey({("A", "x"): 7, ("B", "x"): 7, ("C", "x"): 6}, ["x"])  # 20 / 3
    assert verdict.scores[0].classification is TopicClass.MATIG
    assert verdict.scores[0].score_display == "6.67"


def test_topics_nobody_graded_are_listed_as_not_graded_and_do_not_count() -> None:
    verdict = evaluate_survey({("A", "x"): 9}, ["x", "y", "z"])
    assert verdict.not_graded == ("y", "z")
    assert [score.topic for score in verdict.scores] == ["x"]
    assert verdict.sanction is SurveySanction.NONE
    assert "Not graded" in verdict.explanation


def test_a_response_of_69_percent_is_not_valid_and_proposes_no_sanction() -> None:
    verdict = evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, invited=100, responded=69)
    assert verdict.response_valid is False and verdict.judges is False
    assert verdict.response_status == "not valid"
    assert verdict.response_rate_display == "69.00 %"
    assert verdict.sanction is SurveySanction.NONE  # valid, the same grades would give S4
    assert evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, invited=100, responded=70).sanction is SurveySanction.S4
    assert "not valid and judges nothing" in verdict.explanation


def test_a_response_of_exactly_70_percent_is_valid() -> None:
    verdict = evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, invited=10, responded=7)
    assert verdict.response_valid is True
    assert verdict.response_rate == Decimal("0.7")


def test_a_response_a_fraction_below_70_percent_is_not_valid() -> None:
    assert evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, invited=1000, responded=699).response_valid is False


def test_response_validity_is_unknown_without_invited_and_responded() -> None:
    verdict = evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS)
    assert verdict.response_valid is None
    assert verdict.response_status == "unknown"
    assert "unknown" in verdict.explanation


@pytest.mark.parametrize(
    ("invited", "responded"), [(10, None), (None, 7), (0, 0), (10, 11), (-1, 0), (10, -1)]
)
def test_an_impossible_response_count_is_bad_input(invited: int | None, responded: int | None) -> None:
    with pytest.raises(BadInput):
        evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, invited=invited, responded=responded)


@pytest.mark.parametrize("grade", [0, 11, -3, True, 7.5, "8"])
def test_a_grade_outside_1_to_10_or_not_whole_is_bad_input(grade: object) -> None:
    with pytest.raises(BadInput, match="1 to 10"):
        evaluate_survey({("A", "x"): grade}, ["x"])  # type: ignore[dict-item]


def test_grades_1_and_10_are_accepted() -> None:
    assert evaluate_survey({("A", "x"): 1, ("B", "x"): 10}, ["x"]).scores[0].score == Decimal("5.5")


def test_a_grade_for_a_topic_not_in_the_list_is_bad_input() -> None:
    with pytest.raises(BadInput, match="unknown topic"):
        evaluate_survey({("A", "8z"): 7}, ["x"])


def test_a_survey_without_grades_or_topics_is_bad_input() -> None:
    with pytest.raises(BadInput):
        evaluate_survey({}, ["x"])
    with pytest.raises(BadInput):
        evaluate_survey({("A", "x"): 7}, [])
    with pytest.raises(BadInput):
        evaluate_survey({("A", "x"): 7}, ["x", "x"])


def test_the_verdict_keeps_its_inputs_so_it_can_be_reproduced() -> None:
    verdict = evaluate_survey(EXAMPLE_1, EXAMPLE_TOPICS, invited=10, responded=8)
    grades = {(participant, topic): grade for participant, topic, grade in verdict.grades}
    again = evaluate_survey(grades, verdict.topics, invited=verdict.invited, responded=verdict.responded)
    assert again == verdict


def test_a_score_just_below_a_boundary_is_shown_exactly_rather_than_rounded_onto_it() -> None:
    grades = {(f"P{n:03d}", "x"): 4 for n in range(199)} | {("P999", "x"): 3}  # 799 / 200 = 3.995
    verdict = evaluate_survey(grades, ["x"])
    assert verdict.scores[0].classification is TopicClass.SLECHT
    assert verdict.scores[0].score_display == "3.995"
    assert "x 3.995" in verdict.explanation


@pytest.mark.parametrize("minimum", [Decimal("70"), Decimal("-0.1"), 0.7])
def test_a_minimum_response_that_is_not_a_decimal_fraction_is_bad_input(minimum: Decimal) -> None:
    with pytest.raises(BadInput, match="fraction"):
        evaluate_survey(EXAMPLE_2, EXAMPLE_TOPICS, minimum_response=minimum)
