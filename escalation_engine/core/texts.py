"""Message texts rendered from the Jinja2 templates in `escalation_engine/templates/` (Dutch and English).

A template's first line is the subject; the rest is the body.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from escalation_engine.core.deadline_words_nl import kind_nl
from escalation_engine.core.refs import as_one_line, is_multi_line

LANGUAGES = ("nl", "en")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("escalation_engine", "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text mail, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["kind_nl"] = kind_nl  # a deadline's kind in a Dutch mail
    return env


def render(name: str, language: str, data: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of template `name` in `language` ("nl" or "en")."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    data = {
        key: as_one_line(v) if isinstance(v, str) and not is_multi_line(key) else v for key, v in data.items()
    }
    text = environment().get_template(f"{name}.{language}.txt.j2").render(**data)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"
