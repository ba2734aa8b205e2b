"""A Dutch notice speaks Dutch all through: the rule of its deadline, its clause text and the explanation of a
KPI verdict are shown in Dutch (stored in English for the audit trail and `deadlines`), an English notice in
English; every term label and KPI name of the shipped profiles has its Dutch words."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from sqlmodel import select
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core import rule_texts_nl
from escalation_engine.core.rule_texts import localise, localise_source
from escalation_engine.core.source_texts_nl import SOURCES
from escalation_engine.core.tables import Outbox
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.obligations.digest_actions import set_preference

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# words of the engine's English rules and explanations that have no place in a Dutch sentence
ENGLISH = re.compile(
    r"\b(days?|weeks?|months?|every|end of|contract start|signing|award|request|meeting|finding|rejection|"
    r"step 2|window|addressed|overdue|the supplier|the category|NOT met|meets|below the norm|availability|"
    r"delivered|fulfilled|participants|digest|first due date|binding advice|plan of approach|yearly report)\b"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    from escalation_engine.demo.run import run_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run_demo(keep=path, echo=None)  # every procedure, every kind of deadline, KPI verdicts
    return sqlite3.connect(path)


def test_every_rule_and_verdict_explanation_of_the_demo_reads_as_dutch(demo: sqlite3.Connection) -> None:
    stored = [r for (r,) in demo.execute("SELECT DISTINCT rule FROM timer")]
    stored += [e for (e,) in demo.execute("SELECT explanation FROM kpi_verdict")]
    assert len(stored) > 20 and any(ENGLISH.search(text) for text in stored)
    untranslated = [localise(text, "nl") for text in stored if ENGLISH.search(localise(text, "nl"))]
    assert untranslated == []
    assert all(localise(text, "en") == text for text in stored)  # English is the stored text itself


def test_no_dutch_notice_carries_an_english_rule_or_explanation(demo: sqlite3.Connection) -> None:
    english = {r for (r,) in demo.execute("SELECT DISTINCT rule FROM timer") if ENGLISH.search(r)}
    english |= {e for (e,) in demo.execute("SELECT explanation FROM kpi_verdict")}
    bodies = [b for (b,) in demo.execute("SELECT body FROM outbox") if b.startswith("Beste ")]
    assert len(bodies) > 20
    leaks = [(text, body) for body in bodies for text in english if text in body]
    assert leaks == []


def test_no_dutch_notice_carries_an_english_clause_text(demo: sqlite3.Connection) -> None:
    stored = {s for (s,) in demo.execute("SELECT DISTINCT source FROM timer")}
    english = {text for text in stored if text in SOURCES}
    assert len(english) > 5
    bodies = [b for (b,) in demo.execute("SELECT body FROM outbox") if b.startswith("Beste ")]
    leaks = [(text, body) for body in bodies for text in english if text in body]
    assert leaks == []
    shown = {text for text in english for body in bodies if localise_source(text, "nl") in body}
    assert len(shown) > 3  # the Dutch forms are what the notices show


def test_an_english_notice_keeps_the_english_rule_and_a_dutch_one_has_the_dutch_words(ctx: Ctx) -> None:
    register(ctx)
    opened = {
        "actor_key": "dcm",
        "contract_key": "LF",
        "norm": None,
        "participant": None,
        "threatened": False,
    }
    esc.open_escalation(ctx, subject="Beschikbaarheid", **opened)
    set_preference(ctx, contract_key="LF", person_key="am", frequency=None, language="en", at=None)
    esc.open_escalation(ctx, subject="Availability", **opened)
    with ctx.db.read() as session:
        dutch, english = (row.body for row in session.exec(select(Outbox).order_by(Outbox.id)))  # type: ignore[arg-type]
    assert "reactietermijn: geadresseerd + 5 dagen" in dutch and "response window: addressed" not in dutch
    assert "response window: addressed + 5 days" in english
    clause = "policy default — B2 §5.1 sets no response window (not contractual)"
    assert (
        "beleidskeuze — B2 §5.1 stelt geen reactietermijn (niet contractueel)" in dutch
        and clause not in dutch
    )
    assert clause in english


def _profiles() -> list[dict[str, object]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(WORKFLOWS.glob("*.yaml"))]


def _labels(node: object) -> list[str]:
    """Every term label (a mapping with amount, unit and label) anywhere in a profile."""
    if isinstance(node, dict):
        own = [str(node["label"])] if {"amount", "unit", "label"} <= node.keys() else []
        return own + [label for value in node.values() for label in _labels(value)]
    if isinstance(node, list):
        return [label for value in node for label in _labels(value)]
    return []


@pytest.mark.parametrize("profile", _profiles(), ids=lambda p: str(p["profile"]))
def test_every_term_label_and_kpi_name_of_a_shipped_profile_has_dutch_words(
    profile: dict[str, object],
) -> None:
    kpis = profile.get("kpis") or {}
    assert isinstance(kpis, dict)
    names = [str(d["name"]) for d in kpis.get("definitions", [])]
    missing = [text for text in [*_labels(profile), *names] if text not in rule_texts_nl.PHRASES]
    assert missing == [], "add their Dutch words to core/rule_texts_nl.py PHRASES"
