"""Sanction codes and combination rules, B2 §5 (table 'Sancties') and B2 §1."""

from __future__ import annotations

import pytest

from escalation_engine.core.errors import BadInput
from escalation_engine.procedures.kpis.rules.sanctions import (
    SANCTION_SOURCE,
    SEVERITY_ORDER,
    Sanction,
    SurveySanction,
    heaviest,
    parse_sanction,
)


def test_the_sanction_table_has_codes_s1_to_s5_from_b2_section_5() -> None:
    assert [code.value for code in Sanction] == ["S1", "S2", "S3", "S4", "S5"]
    assert SANCTION_SOURCE == "B2 §5"


def test_each_sanction_carries_its_dutch_measure_and_an_english_description() -> None:
    assert Sanction.S4.description_nl == "In opvolgend KTO moeten verbeteringen zichtbaar zijn."
    assert "indexering" in Sanction.S5.description_nl and "indexation" in Sanction.S5.description_en
    assert "Strategische Klantenraad" in Sanction.S3.description_nl
    assert all(code.description_en for code in Sanction)


def test_the_policy_default_severity_is_s1_s4_s2_s3_s5() -> None:
    assert SEVERITY_ORDER == (Sanction.S1, Sanction.S4, Sanction.S2, Sanction.S3, Sanction.S5)


def test_when_several_norms_are_missed_the_heaviest_sanction_prevails() -> None:
    assert heaviest([Sanction.S1, Sanction.S4]) is Sanction.S4
    assert heaviest([Sanction.S4, Sanction.S2]) is Sanction.S2
    assert heaviest([Sanction.S3, Sanction.S2, Sanction.S1]) is Sanction.S3
    assert heaviest(iter([Sanction.S1, Sanction.S5, Sanction.S3])) is Sanction.S5


def test_no_sanctions_have_no_heaviest() -> None:
    assert heaviest([]) is None


def test_a_single_sanction_is_its_own_heaviest() -> None:
    assert heaviest([Sanction.S1]) is Sanction.S1


def test_sanction_codes_parse_from_text_and_unknown_codes_are_bad_input() -> None:
    assert parse_sanction("s2") is Sanction.S2
    assert heaviest(["S1", "S3"]) is Sanction.S3  # type: ignore[list-item]
    with pytest.raises(BadInput, match="S1-S5"):
        parse_sanction("S6")


def test_the_survey_outcomes_are_none_s4_and_s4_plus() -> None:
    assert [outcome.value for outcome in SurveySanction] == ["none", "S4", "S4+"]


def test_s4_plus_is_s4_combined_with_one_or_more_of_s1_s2_s3_s5() -> None:
    assert SurveySanction.S4_PLUS.base is Sanction.S4
    assert SurveySanction.S4_PLUS.combinable_with == (Sanction.S1, Sanction.S2, Sanction.S3, Sanction.S5)
    assert SurveySanction.S4.combinable_with == ()
    assert SurveySanction.NONE.base is None
