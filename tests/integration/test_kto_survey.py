"""Customer-satisfaction survey, KTO (B2 §2.3): import grades, score topics, S4 / S4+ as in the seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from kpi_support import audit_actions, write_csv, write_xlsx
from support import B2_PEOPLE, at, register

from escalation_engine.app.context import Ctx
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.procedures.kpis import surveys
from escalation_engine.procedures.kpis.report import report
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.kpis.sanctions import propose

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# The seed's worked examples grade Belevingsfactor 1-7 with Onderwerpen a, b, c (not the factor table).
EXAMPLE_FACTORS = {1: "ab", 2: "abc", 3: "a", 4: "abc", 5: "ab", 6: "abc", 7: "abc"}
EXAMPLE_TOPICS = [f"{f}{t}" for f, topics in EXAMPLE_FACTORS.items() for t in topics]


@pytest.fixture
def example_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The B2 profile with the worked examples' topic list (topic lists are profile data)."""
    text = (WORKFLOWS / "leasefietsen-rijk.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("    topics:\n")
    topics = "".join(
        f'      - {{key: "{t}", factor: "{t[0]}", text: "Onderwerp {t}"}}\n' for t in EXAMPLE_TOPICS
    )
    directory = tmp_path / "profiles"
    directory.mkdir()
    body = head.replace("profile: leasefietsen-rijk", "profile: kto-voorbeeld") + "    topics:\n" + topics
    (directory / "kto-voorbeeld.yaml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("ESCALATION_ENGINE_PROFILES", str(directory))
    return "kto-voorbeeld"


def example_rows(bad: dict[str, tuple[str, int]]) -> list[list[object]]:
    """Like the seed's tables: the listed topics get the shown grade, every other topic a Goed grade (8)."""
    rows: list[list[object]] = [["Deelnemer 1", t, 8] for t in EXAMPLE_TOPICS if t not in bad]
    rows += [[participant, topic, grade] for topic, (participant, grade) in bad.items()]
    return rows


@pytest.fixture(autouse=True)
def after_nine_months(clock: FixedClock) -> None:
    """Contracts start 2026-01-01; the first survey is held after 9 months (B2 §2.3)."""
    clock.set(at("2026-10-05", 10))


def run(ctx: Ctx, path: Path, **kw: int) -> dict[str, object]:
    surveys.import_grades(
        ctx,
        actor_key="cat",
        contract_key="LF",
        path=path,
        label="2026",
        invited=kw.get("invited"),
        responded=kw.get("responded"),
    )
    return surveys.evaluate(ctx, actor_key="cat", contract_key="LF", label="2026")


def test_two_scores_of_3_give_s4_plus_as_in_seed_example_1(
    ctx: Ctx, tmp_path: Path, example_profile: str
) -> None:
    register(ctx, profile=example_profile, people=B2_PEOPLE)
    bad = {
        "1a": ("Deelnemer 2", 5),
        "2a": ("Deelnemer 1", 5),
        "4c": ("Deelnemer 3", 3),
        "6b": ("Deelnemer 2", 3),
    }
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], example_rows(bad))
    data = run(ctx, path)
    assert data["sanction"] == "S4+"
    assert data["met"] is False
    classes = {s["topic"]: s["class"] for s in data["scores"]}  # type: ignore[union-attr]
    assert (classes["1a"], classes["2a"], classes["4c"], classes["6b"], classes["7c"]) == (
        "Matig",
        "Matig",
        "Slecht",
        "Slecht",
        "Goed",
    )
    case = list_sanctions(ctx, contract_key="LF")[0]
    assert case["allowed"] == "S4+" and case["state"] == "awaiting_finding"
    with pytest.raises(RuleRefused, match="S4\\+ is S4 combined with one or more of S1, S2, S3, S5"):
        propose(
            ctx, actor_key="cat", ref=case["sanction"], culpable=True, finding="poor service", codes=["S4"]
        )
    data = propose(
        ctx, actor_key="cat", ref=case["sanction"], culpable=True, finding="poor service", codes=["S4", "S2"]
    )
    assert (data["codes"], data["heaviest"]) == ("S4, S2", "S2")


def test_one_score_of_3_gives_s4_as_in_seed_example_2(ctx: Ctx, tmp_path: Path, example_profile: str) -> None:
    register(ctx, profile=example_profile, people=B2_PEOPLE)
    bad = {"2a": ("Deelnemer 1", 5), "3a": ("Deelnemer 3", 4), "6b": ("Deelnemer 2", 3)}
    path = write_xlsx(tmp_path / "kto.xlsx", ["participant", "topic", "grade"], example_rows(bad))
    data = run(ctx, path)
    assert data["sanction"] == "S4"
    assert list_sanctions(ctx, contract_key="LF")[0]["allowed"] == "S4"


def test_all_topics_7_or_more_give_no_sanction_and_no_sanction_case(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_csv(
        tmp_path / "kto.csv", ["participant", "topic", "grade"], [["DJI", "1a", 7], ["DJI", "7", 10]]
    )
    data = run(ctx, path, invited=10, responded=7)
    assert data["sanction"] == "none" and data["met"] is True
    assert data["inputs"]["response_valid"] is True  # type: ignore[index]
    assert data["inputs"]["not_graded"][0] == "1b"  # type: ignore[index]
    assert list_sanctions(ctx, contract_key="LF") == []
    assert audit_actions(ctx)[-2:] == ["survey.import", "verdict.survey"]


def test_a_round_below_the_70_percent_minimum_response_judges_nothing(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    rows = [["DJI", "1a", 3], ["DJI", "1b", 3], ["MinBZK", "2a", 2]]  # would be S4+ if the round were valid
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], rows)
    data = run(ctx, path, invited=100, responded=69)
    assert (data["verdict"], data["valid"], data["sanction"]) == (None, False, "none")
    assert "69.00 % is below the minimum of 70.00 %" in str(data["explanation"])
    assert "no verdict, no sanction" in str(data["explanation"])
    assert list_sanctions(ctx, contract_key="LF") == []
    assert audit_actions(ctx)[-2:] == ["survey.import", "survey.not_valid"]
    shown = report(ctx, contract_key="LF")
    assert shown["verdicts"] == [] and shown["sanctions"] == []
    assert [r["round"] for r in shown["surveys_not_valid"]] == ["2026"]
    assert "below the minimum of 70.00 %" in shown["surveys_not_valid"][0]["why"]


def test_a_topic_score_is_the_sum_over_the_participants_that_graded_it(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    rows = [["DJI", "2a", 7], ["MinBZK", "2a", 6], ["Rechtspraak", "2a", 6]]  # 19 / 3 = 6.333… -> Matig
    data = run(ctx, write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], rows))
    score = data["scores"][0]  # type: ignore[index]
    assert (score["topic"], score["shown"], score["class"], score["participants"]) == (
        "2a",
        "6.33",
        "Matig",
        3,
    )
    assert data["sanction"] == "S4"


def test_a_bad_survey_file_is_refused_whole_naming_rows_and_columns(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    rows = [
        ["DJI", "1a", 8],
        ["DJI", "9z", 8],
        ["DJI", "1b", 11],
        ["DJI", "1b", 7.5],
        ["", "2a", 5],
        ["DJI", "1a", 6],
    ]
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], rows)
    with pytest.raises(BadInput) as refused:
        surveys.import_grades(
            ctx, actor_key="cat", contract_key="LF", path=path, label="2026", invited=None, responded=None
        )
    message = refused.value.message
    assert "row 3, column topic: unknown topic '9z'" in message
    assert "row 4, column grade: grade 11" in message
    assert "row 5, column grade: grade '7.5'" in message
    assert "row 6, column participant: empty" in message
    assert "row 7: DJI graded topic 1a already in row 2" in message
    with pytest.raises(NotFound):
        surveys.evaluate(ctx, actor_key="cat", contract_key="LF", label="2026")


def test_the_first_survey_is_held_after_nine_months(ctx: Ctx, tmp_path: Path, clock: FixedClock) -> None:
    register(ctx)
    clock.set(at("2026-09-30", 10))
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], [["DJI", "1a", 8]])
    with pytest.raises(RuleRefused, match="held after 9 months, from 2026-10-01"):
        surveys.import_grades(
            ctx, actor_key="cat", contract_key="LF", path=path, label=None, invited=None, responded=None
        )
    clock.set(at("2026-10-01", 10))
    data = surveys.import_grades(
        ctx, actor_key="cat", contract_key="LF", path=path, label=None, invited=None, responded=None
    )
    assert data["round"] == "2026"


def test_a_round_is_imported_and_evaluated_once(ctx: Ctx, tmp_path: Path) -> None:
    register(ctx)
    path = write_csv(tmp_path / "kto.csv", ["participant", "topic", "grade"], [["DJI", "1a", 8]])
    run(ctx, path)
    with pytest.raises(RuleRefused, match="already imported"):
        surveys.import_grades(
            ctx, actor_key="cat", contract_key="LF", path=path, label="2026", invited=None, responded=None
        )
    with pytest.raises(RuleRefused, match="already evaluated"):
        surveys.evaluate(ctx, actor_key="cat", contract_key="LF", label=None)
