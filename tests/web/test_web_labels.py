"""Every state of every procedure's machine and every kind of deadline the engine registers has a Dutch
label on the pages and its English translation (a new state or timer kind without one fails here)."""

from __future__ import annotations

from babel.messages.pofile import read_po

from escalation_engine.app.context import Ctx
from escalation_engine.procedures.kpis.sanction_machine import SanctionState
from escalation_engine.procedures.ladder.machine import EscState
from escalation_engine.procedures.plans.machine import NormState, StepState
from escalation_engine.procedures.step_in.machine import StepInState
from escalation_engine.web.labels import DEADLINES, STATES
from escalation_engine.web.render import HERE, render


def test_every_state_of_every_procedure_has_a_label() -> None:
    states = {s.value for enum in (EscState, StepState, NormState, StepInState, SanctionState) for s in enum}
    states |= {"open", "overdue", "fulfilled"}  # an obligation's status
    assert sorted(states - STATES.keys()) == []


def test_every_registered_kind_of_deadline_has_a_label(ctx: Ctx) -> None:
    ctx.registry.require_wired()
    kinds = {kind for _, kind in ctx.registry.handlers}
    assert kinds and sorted(kinds - DEADLINES.keys()) == []


def test_every_label_has_its_english_translation() -> None:
    with (HERE / "locale" / "en.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        text
        for text in (*STATES.values(), *DEADLINES.values())
        if not (catalog.get(text) and catalog.get(text).string)
    ]
    assert untranslated == []


def test_a_state_is_shown_in_the_pages_language_and_an_unknown_code_as_it_is() -> None:
    from jinja2 import Environment

    from escalation_engine.web.render import environment

    assert isinstance(environment("nl"), Environment)
    assert environment("nl").filters["state"]("no_response") == "geen reactie binnen de termijn"
    assert environment("en").filters["state"]("no_response") == "no response within the term"
    assert environment("en").filters["deadline"]("response due") == "response window"
    assert environment("nl").filters["state"]("something_new") == "something_new"
    assert "<html" in render(
        "nl", "error.html", title="x", message="y", principal=None, csrf="", path="/", sso=None
    )


def test_an_english_refusal_names_the_roles_in_words_not_by_their_keys() -> None:
    from escalation_engine.web.labels import english_roles
    from escalation_engine.web.render import gettext_for

    english = gettext_for("en").gettext
    text = english_roles(
        "raising is for category or participant_contract_manager (you are account_manager)", english
    )
    assert text == (
        "raising is for Category (category management) or participant's contract manager (DCM-er) "
        "(you are supplier's account manager)"
    )
    assert english_roles("x; needed role: someone_else", english) == "x; needed role: someone_else"
