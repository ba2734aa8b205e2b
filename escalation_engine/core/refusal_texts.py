"""A refusal's message in the person's language.

The engine writes a refusal's message (`EngineError.message`) in English: the command line prints it so and
the audit trail and the tests read it so. A web page in Dutch shows it through `localise_refusal`: the
sentence patterns of the `refusal_texts_nl_*` tables (words in `refusal_texts_nl`) rewrite the English words around what
the message names — refs, keys, dates, quoted values, a file's name — which stay as they are; a role key
becomes the role's Dutch words (`role_words_nl`) and the KPI names of the shipped profiles get their Dutch
names (`rule_texts_nl.PHRASES`). A message is translated line
by line (an import lists one problem a line), and text no pattern knows stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from escalation_engine.core import (
    refusal_texts_nl_cases,
    refusal_texts_nl_forms,
    refusal_texts_nl_imports,
    refusal_texts_nl_kpis,
    rule_texts_nl,
)

Substitution = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


@lru_cache(maxsize=1)
def _dutch() -> tuple[Substitution, ...]:
    sentences = [
        *refusal_texts_nl_imports.SENTENCES,  # a file's and a row's frame first: the message inside follows
        *refusal_texts_nl_kpis.SENTENCES,
        *refusal_texts_nl_forms.SENTENCES,
        *refusal_texts_nl_cases.SENTENCES,
        *refusal_texts_nl_forms.LAST,  # any role check, once the sentences that name theirs have gone
    ]
    names = sorted(rule_texts_nl.PHRASES.items(), key=lambda item: -len(item[0]))
    return (
        *((re.compile(pattern), replacement) for pattern, replacement in sentences),
        *((re.compile(re.escape(english)), dutch) for english, dutch in names if english != dutch),
    )


def _line(text: str) -> str:
    for pattern, replacement in _dutch():
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=4096)
def localise_refusal(message: str, language: str) -> str:
    """`message` (a refusal as the engine wrote it) in `language`; English is the message itself."""
    if language != "nl" or not message:
        return message
    return "\n".join(_line(line) for line in message.split("\n"))
