"""Pages are rendered from Jinja2 templates in `web/templates/`, in Dutch by default and in English on
request, through gettext catalogs (`web/locale/<lang>.po`, msgids in Dutch, read with Babel at start-up).
What the engine stores or says in English — a deadline's rule, a clause text, a refusal's message and the
rule it names — is put in the page's language by the `rule`, `source`, `refusal_text` and `refusal_rule`
filters (`core.rule_texts`, `core.refusal_texts`, `core.refusal_rules`)."""

from __future__ import annotations

import gettext
import io
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from escalation_engine.core.refusal_rules import localise_refusal_rule
from escalation_engine.core.refusal_texts import localise_refusal
from escalation_engine.core.rule_texts import localise, localise_source, localise_subject
from escalation_engine.web.labels import DEADLINES, STATES, english_roles, labeller, role_labeller
from escalation_engine.web.labels_actions import ACTIONS

HERE = Path(__file__).resolve().parent
LANGUAGES = ("nl", "en")
AMS = ZoneInfo("Europe/Amsterdam")


@cache
def translations(language: str) -> gettext.NullTranslations:
    po = HERE / "locale" / f"{language}.po"
    if language == "nl" or not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def local(value: str | None) -> str:
    """An ISO instant as Amsterdam wall time, the way people read it."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(AMS).strftime("%d-%m-%Y %H:%M")


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["local"] = local
    gettext = translations(language).gettext
    env.filters["state"] = labeller(STATES, gettext)
    env.filters["deadline"] = labeller(DEADLINES, gettext)
    env.filters["action"] = labeller(ACTIONS, gettext)
    env.filters["role"] = role_labeller(gettext)  # `|role(profile)`: the profile's words for a role key
    env.filters["rule"] = lambda text: localise(text or "", language)  # a stored rule in the page's language
    env.filters["source"] = lambda text: localise_source(text or "", language)  # a stored clause text, too
    env.filters["subject"] = lambda text: localise_subject(text or "", language)  # one the engine composed
    env.filters["refusal_text"] = lambda text: (  # a refusal's message; in English its roles in words
        localise_refusal(text or "", language) if language == "nl" else english_roles(text or "", gettext)
    )
    env.filters["refusal_rule"] = lambda text: localise_refusal_rule(text or "", language)  # and its rule
    return env


def render(language: str, template: str, **values: Any) -> str:
    return (
        environment(language if language in LANGUAGES else "nl")
        .get_template(template)
        .render(lang=language, **values)
    )


def gettext_for(language: str) -> gettext.NullTranslations:
    return translations(language if language in LANGUAGES else "nl")
