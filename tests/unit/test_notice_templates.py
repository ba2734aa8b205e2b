"""Every notice kind has templates in Dutch and English that name the case, its deadline (last day, rule,
clause) where the kind is about one, and where to act; no procedure writes a notice's text inline."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from escalation_engine.core.notice_texts import NOTICE_KINDS, render_notice
from escalation_engine.core.texts import LANGUAGES

PACKAGE = Path(__file__).resolve().parents[2] / "escalation_engine"


def _sample(kind: str) -> dict[str, object]:
    data: dict[str, object] = {field: f"<{field}>" for field in NOTICE_KINDS[kind]}
    for number in ("days_left", "level", "late"):
        if number in data:
            data[number] = 2 if number != "late" else True
    if "item" in data:  # an obligation: its view, its last day, rule and clause
        data["what"] = "overdue"
        data["item"] = {
            **{field: f"<{field}>" for field in ("title", "title_en", "period", "due", "owed_by", "rule")},
            **{"id": "<case>", "owed_to": ["<owed_to>"], "source": "<source>"},
        }
    if "evidence" in data:  # the waiting-room clause's months
        month = {"moment": 6, "date": "<date>", "finished_pct": 80, "satisfied_pct": 70, "quality_pct": 90}
        data["evidence"] = [{**month, "norm_met": False, "verdict": "<verdict>"}]
    if kind == "digest":  # no case of its own: obligation views and `deadlines` rows, a failed one flagged
        item = {"id": "<case>", "title": "<title>", "title_en": "<title>", "period": "", "due": "<due>"}
        item |= {"days": 3, "mine": True, "owed_by": "<owed_by>", "rule": "<rule>", "source": "<source>"}
        deadline = {"case": "<case>", "what": "<what>", "subject": "", "due": "<due>", "overdue": True}
        deadline |= {
            "state": "failed",
            "error": "<error>",
            "timer": 7,
            "rule": "<rule>",
            "source": "<source>",
        }
        data |= {"overdue": [item], "soon": [item], "deadlines": [deadline], "frequency": "weekly"}
        data |= {"deadlines_total": 3, "person": "<person>", "work": "<work>"}  # two more than it lists
        dead = {"timer": 9, "case": "<case>", "contract": "<contract>", "what": "<what>", "due": "<due>"}
        data["operator"] = {"failed_timers": [{**dead, "error": "<error>"}], "outbox_failed": 1}
        return {**data, "contract": "<contract>", "case": None, "name": "<name>", "link": ""}
    return {**data, "contract": "<contract>", "case": "<case>", "name": "<name>", "link": ""}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(NOTICE_KINDS))
def test_every_notice_kind_renders_in_dutch_and_english_naming_the_case_and_its_deadline(
    kind: str, language: str
) -> None:
    subject, body = render_notice(kind, language, _sample(kind))
    assert subject.startswith("[<contract>]") and "<case>" in subject + body
    assert "<name>" in body and ("Handelen:" if language == "nl" else "To act:") in body
    if kind == "waiting_room_termination_right":
        assert "<date>" in body and "<verdict>" in body  # every month's evidence is shown
    for field in NOTICE_KINDS[kind]:
        if _sample(kind)[field] == f"<{field}>":
            assert f"<{field}>" in subject + body, f"{kind}.{language} leaves out {field}"
    if kind == "digest":
        assert ("en nog 2" if language == "nl" else "and 2 more") in body, "the digest says how many more"
        assert "timers retry 7" in body, "a deadline whose timer failed says how the operator retries it"
        assert "timer 9:" in body and "timers retry ID" in body, "an administrator's digest names dead timers"
    if kind == "obligation_notice":
        assert all(f"<{part}>" in body for part in ("due", "rule", "source", "owed_to")), "its deadline"


def test_a_notice_shows_the_link_to_act_once_the_base_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from escalation_engine.core.notice_texts import link_to

    assert link_to("ESC-1", "LF") == ""
    monkeypatch.setenv("ESCALATION_ENGINE_BASE_URL", "https://contracten.example/")
    assert link_to("ESC-1", "LF") == "https://contracten.example/escalaties/ESC-1"
    assert link_to("PLAN-2", "LF") == "https://contracten.example/plannen/PLAN-2"
    assert link_to("OBL-3", "LF") == "https://contracten.example/verplichtingen/OBL-3"
    assert link_to("STEP-4", "LF") == "https://contracten.example/step-in/STEP-4"
    assert link_to("SAN-5", "LF") == "https://contracten.example/sancties/SAN-5"
    assert link_to(None, "LF") == "https://contracten.example/contracten/LF"
    _, body = render_notice(
        "escalation_refused", "nl", {**_sample("escalation_refused"), "link": link_to("ESC-1", "LF")}
    )
    assert "Handelen: https://contracten.example/escalaties/ESC-1" in body


def test_an_unknown_notice_kind_is_refused() -> None:
    with pytest.raises(KeyError, match="NOTICE_KINDS"):
        render_notice("no_such_notice", "nl", {})


# procedures whose every notice goes through NOTICE_KINDS: all of them (a new procedure is in it by itself)
TEMPLATED = sorted(p.name for p in (PACKAGE / "procedures").iterdir() if (p / "__init__.py").exists())


def test_every_procedure_is_checked_for_inline_notices() -> None:
    assert {"ladder", "plans", "step_in", "kpis", "obligations"} <= set(TEMPLATED)


def test_every_notice_template_on_disk_is_a_kind_and_every_kind_has_both_languages() -> None:
    folder = PACKAGE / "templates" / "notices"
    on_disk = {p.name.split(".")[0] for p in folder.glob("*.txt.j2") if not p.name.startswith("_")}
    assert on_disk == set(NOTICE_KINDS), "templates without a kind, or kinds without templates"
    for kind in NOTICE_KINDS:
        for language in LANGUAGES:
            assert (folder / f"{kind}.{language}.txt.j2").is_file(), f"{kind} has no {language} template"


@pytest.mark.parametrize("procedure", TEMPLATED)
def test_a_templated_procedure_writes_no_notice_text_inline(procedure: str) -> None:
    for path in sorted((PACKAGE / "procedures" / procedure).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "notify"
            ):
                pytest.fail(f"{path.name}:{node.lineno} queues an inline notice: use send_notice and a kind")


RULE = "response window: addressed + 5 days"
EXPLANATION = (
    "B2 §2.2 (decentral): DJI had 93.50 % availability in 2026-03, below the norm of >= 95.00 % (Slecht). The "
    "supplier shows and implements its improvements in the following month, 2026-04 (2026-04-01 to "
    "2026-04-30). The category may apply one or more of S1, S2, S3, S5."
)
WORDED = [
    kind
    for kind in sorted(NOTICE_KINDS)
    if {"rule", "explanation", "item", "deadlines"} & {*NOTICE_KINDS[kind]}
]


@pytest.mark.parametrize("kind", WORDED)
def test_a_dutch_notice_shows_its_rule_and_explanation_in_dutch_and_an_english_one_in_english(
    kind: str,
) -> None:
    data = _sample(kind)
    for field in ("rule", "explanation"):
        if field in data:
            data[field] = RULE if field == "rule" else EXPLANATION
    for nested in ("item",):
        if isinstance(data.get(nested), dict):
            data[nested] = {**data[nested], "rule": RULE}  # type: ignore[dict-item]
    if kind == "digest":
        data["deadlines"] = [{**data["deadlines"][0], "rule": RULE}]  # type: ignore[index]
    dutch = "\n".join(render_notice(kind, "nl", data))
    english = "\n".join(render_notice(kind, "en", data))
    if "rule" in data or "item" in data or kind == "digest":
        assert "reactietermijn: geadresseerd + 5 dagen" in dutch and RULE not in dutch
        assert RULE in english
    if "explanation" in data:
        assert "onder de norm van >= 95.00 % (Slecht)" in dutch and "below the norm" not in dutch
        assert EXPLANATION in english


SOURCE = "policy default — B2 §5.1 sets no response window (not contractual)"
SOURCE_NL = "beleidskeuze — B2 §5.1 stelt geen reactietermijn (niet contractueel)"
CLAUSED = [
    kind
    for kind in sorted(NOTICE_KINDS)
    if {"source", "level_source", "step_source", "item", "deadlines"} & {*NOTICE_KINDS[kind]}
]


@pytest.mark.parametrize("kind", CLAUSED)
def test_a_dutch_notice_shows_its_clause_text_in_dutch_and_an_english_one_in_english(kind: str) -> None:
    data = _sample(kind)
    for field in ("source", "level_source", "step_source"):
        if field in data:
            data[field] = SOURCE
    if isinstance(data.get("item"), dict):
        data["item"] = {**data["item"], "source": SOURCE}  # type: ignore[dict-item]
    if kind == "digest":
        data["deadlines"] = [{**data["deadlines"][0], "source": SOURCE}]  # type: ignore[index]
    dutch = "\n".join(render_notice(kind, "nl", data))
    english = "\n".join(render_notice(kind, "en", data))
    assert SOURCE_NL in dutch and SOURCE not in dutch
    assert SOURCE in english and SOURCE_NL not in english
