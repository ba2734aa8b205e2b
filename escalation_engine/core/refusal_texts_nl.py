"""Dutch words for the engine's refusal messages (see `refusal_texts`): the words a message is built around —
the fields a form check names, the states, the kinds of case, the role checks' actions, the guards' rules —
and the helpers the sentence tables (`refusal_texts_nl_forms`, `_cases`, `_kpis`, `_imports`) use them with.

Each sentence pattern rewrites its own English words and keeps what it captures — refs, keys, dates,
quoted values — as it is; a role key becomes the role in the seeds' words (`role_words_nl`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from escalation_engine.core.role_words_nl import ROLES
from escalation_engine.core.state_words_nl import STATES as STATE_WORDS

# the words of a form field a check names ("subject must not be empty")
FIELDS = {
    "subject": "Onderwerp",
    "norm": "Norm",
    "reason": "Reden",
    "response text": "Reactie",
    "minutes": "Verslag",
    "measures": "Maatregelen",
    "results": "Resultaten",
    "plan text": "Tekst van het plan",
    "culpability finding": "Bevinding over verwijtbaarheid",
    "improvement text": "Verbeteringen",
    "the improvement steps": "De verbeterstappen",
    "reference": "Kenmerk",
    "reason the decision cannot wait": "Reden waarom het besluit niet kan wachten",
    "KPI": "KPI",
    "survey round": "Ronde van het onderzoek",
    "participant name": "Naam van de Deelnemer",
    "name": "Naam",
    "title": "Titel",
    "organisation": "Organisatie",
    "contract key": "Sleutel van het contract",
    "person key": "Sleutel van de persoon",
    "e-mail": "E-mailadres",
    "--email": "E-mailadres (--email)",
    "KPI period": "KPI-periode",
    "contract start": "Start van het contract",
    "award date": "Gunningsdatum",
    "the improvement term": "De verbetertermijn",
    "fulfilment date": "Datum van nakoming",
    "the advice's due date": "De uiterste datum van het advies",
    "the finding's date": "De datum van de bevinding",
}

# the states of the procedures, as a page shows them (one table: core/state_words_nl.py)
STATES = STATE_WORDS

# a kind of case, as a reference or "not found" names it
KINDS = {
    "escalation": "escalatie",
    "plan": "verbeterplan",
    "improvement plan": "verbeterplan",
    "stepin": "step-in",
    "step-in": "step-in",
    "obligation": "verplichting",
    "kpi_verdict": "KPI-oordeel",
    "verdict": "KPI-oordeel",
    "sanction": "sanctie",
    "contract": "contract",
    "person": "persoon",
    "token": "token",
}

PERIOD_KINDS = {"month": "maand", "quarter": "kwartaal", "half-year": "halfjaar", "year": "jaar"}
SIDES = {"client": "Opdrachtgever", "participant": "Deelnemer", "supplier": "Opdrachtnemer"}
UNITS = {
    "days": "dagen",
    "calendar days": "kalenderdagen",
    "working days": "werkdagen",
    "weeks": "weken",
    "months": "maanden",
}

# what a role check says the action is ("…; needed role: …", "… is for …")
ACTIONS = {
    "an escalation is closed by the raising side": "een escalatie wordt afgesloten door de escalerende kant",
    "moving to step 2 (consulting the category)": "naar stap 2 gaan (de Categorie raadplegen)",
    "only the category assesses the progress": "alleen de Categorie beoordeelt de voortgang",
    "only the category closes a step-in procedure": "alleen de Categorie sluit een step-in-procedure af",
    "only the category lays down binding advice": "alleen de Categorie legt een dwingend advies neer",
    "only the category requests step-in": "alleen de Categorie vraagt step-in aan",
    "opening an improvement plan": "een verbeterplan openen",
    "recording a norm failure": "een niet gehaalde norm vastleggen",
    "recording the presentation": "de presentatie vastleggen",
    "requesting step 3 (the category's request)": "stap 3 vragen (het verzoek van de Categorie)",
    "resolving the plan": "het plan afronden",
    "skipping step 1 (a decision of the category)": "stap 1 overslaan (een besluit van de Categorie)",
    "submitting the improvement plan": "het verbeterplan indienen",
    "deciding to accept the plan": "besluiten het plan te accepteren",
    "deciding to reject the plan": "besluiten het plan af te wijzen",
    "the supplier records its management-team meetings": (
        "Opdrachtnemer legt de overleggen van het managementteam vast"
    ),
}

# the rule a state machine's guard checks ("ESC-1: … is not met")
RULES = {
    "a written result (--results)": "een schriftelijk resultaat (--results)",
    "advance": "doorgaan naar de volgende stap",
    "assess": "beoordelen",
    "binding advice follows the second management-team meeting": (
        "een dwingend advies volgt op het 2de overleg van het managementteam"
    ),
    "category decision": "besluit van de Categorie",
    "closure text complete": "volledige tekst bij het afsluiten",
    "culpability finding": "bevinding over verwijtbaarheid",
    "culpability": "verwijtbaarheid",
    "lower levels gone through": "lagere niveaus doorlopen",
    "one assessment after the meeting": "één beoordeling na het overleg",
    "open": "openen",
    "presentation after the request": "presentatie na het verzoek",
    "record a meeting": "een overleg vastleggen",
    "refuse": "weigeren",
    "require": "vereisen",
    "resolve": "afronden",
    "respond": "reageren",
    "skipping step 1": "stap 1 overslaan",
    "submit": "indienen",
    "accept": "accepteren",
    "reject": "afwijzen",
    "the proposed codes are allowed for the KPI": "de voorgestelde codes zijn toegestaan voor de KPI",
}

PLAN_KINDS = {
    "three-step improvement plan (B2 §5.2)": "verbeterplan in drie stappen (B2 §5.2)",
    "improvement plan after a norm failure (TP §2.1.1, §2.1.2)": (
        "verbeterplan na een niet gehaalde norm (TP §2.1.1, §2.1.2)"
    ),
}

CLOSURE = {"measures": "maatregelen", "results": "resultaten", "lessons": "geleerde lessen"}
SANCTION_ACTS = {
    "record the culpability finding of": ("de bevinding over verwijtbaarheid van ", " niet vastleggen"),
    "apply": ("", " niet opleggen"),
    "waive": ("niet afzien van ", ""),
}
EARLIEST = {
    "the step-in request": "de aanvraag van step-in",
    "the first management-team meeting": "het 1ste overleg van het managementteam",
}


def word(table: Mapping[str, str], text: str) -> str:
    """`text` in Dutch from `table` (a state with spaces or underscores, too), else as it is."""
    return table.get(text, table.get(text.replace(" ", "_"), text))


def start(text: str) -> str:
    """A sentence's first word with a capital (the field words are written as on a form)."""
    return text[:1].upper() + text[1:]


def roles(text: str) -> str:
    """A list of role keys joined with "or", each in the seeds' words (`role_words_nl`; a key the shipped
    profiles do not have stays as it is)."""
    return " of ".join(role(key) for key in text.split(" or "))


def role(key: str) -> str:
    return ROLES.get(key, key)


def alternatives(table: Mapping[str, Any]) -> str:
    """A regular expression for any key of `table`, longest first."""
    return "(" + "|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)) + ")"
