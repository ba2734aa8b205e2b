"""The words of a deadline's rule and of a KPI verdict's explanation in the person's language.

The engine composes a deadline's rule ("response window: addressed + 5 days") and a verdict's explanation
in English when it sets them; they are stored so (the `timer.rule` and `kpi_verdict.explanation` columns,
the audit trail, `deadlines`, `kpi show`). A notice and a web page in Dutch show them through `localise`:
the sentence patterns and phrases of `rule_texts_nl` (the term labels and KPI names of the shipped
profiles among them; a test fails when a shipped profile has one without Dutch words) turn the stored
text into Dutch. Text the table does not know — a custom profile's own label — stays as stored.
A clause text (`source`: the profile's `source:` of a deadline or rule, or a clause a procedure cites) is
looked up whole in `source_texts_nl` (`localise_source`); an unknown one stays as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from escalation_engine.core import rule_texts_nl, source_texts_nl

Substitution = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


@lru_cache(maxsize=1)
def _dutch() -> tuple[Substitution, ...]:
    sentences = [(re.compile(pattern), repl) for pattern, repl in rule_texts_nl.SENTENCES]
    phrases = sorted(rule_texts_nl.PHRASES.items(), key=lambda item: -len(item[0]))
    literal = [(re.compile(re.escape(english)), dutch) for english, dutch in phrases]
    words = [(re.compile(pattern), repl) for pattern, repl in rule_texts_nl.WORDS]
    return (*sentences, *literal, *words)


@lru_cache(maxsize=4096)
def localise(text: str, language: str) -> str:
    """`text` (a stored rule or explanation) in `language`; English is the stored text itself."""
    if language != "nl" or not text:
        return text
    for pattern, replacement in _dutch():
        text = pattern.sub(replacement, text)
    return text


def localise_source(text: str, language: str) -> str:
    """`text` (a stored clause text) in `language`: its Dutch form from the table, else the text as stored."""
    if language != "nl" or not text:
        return text
    found = source_texts_nl.SOURCES.get(text)
    if found is not None:
        return found
    for english, dutch in source_texts_nl.PREFIXES.items():
        if text.startswith(english):
            return dutch + localise_source(text[len(english) :], language)
    return text


# The subjects the engine composes for a deadline whose case has none of its own (a KPI verdict's follow-up,
# a sanction's hearing: `kpis.follow_up`, `kpis.sanction_hearing`), anchored: a subject someone typed stays.
SUBJECTS_NL = (
    (re.compile(r"^improvements after (.+)$"), r"verbeteringen na \1"),
    (re.compile(r"^supplier's response to sanction (.+)$"), r"reactie van Opdrachtnemer op sanctie \1"),
)


def localise_subject(text: str, language: str) -> str:
    """A deadline's subject in `language`: one the engine composed in its Dutch words, any other as it is."""
    if language != "nl" or not text:
        return text
    for pattern, replacement in SUBJECTS_NL:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


_FIELDS = ("rule", "explanation", "label")  # the fields of a notice that carry a rule or an explanation
_SOURCE_FIELDS = ("source", "level_source", "step_source")  # the fields that carry a clause text


def localise_fields(data: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A notice's values with every rule, explanation and clause text in `language` (also inside items and lists)."""
    return {key: _value(key, value, language) for key, value in data.items()}


def _value(key: str, value: Any, language: str) -> Any:
    if isinstance(value, str):
        if key in _SOURCE_FIELDS:
            return localise_source(value, language)
        if key == "subject":
            return localise_subject(value, language)
        return localise(value, language) if key in _FIELDS else value
    if isinstance(value, Mapping):
        return localise_fields(value, language)
    if isinstance(value, list):
        return [_value(key, item, language) for item in value]
    return value
