"""The texts of a calendar (.ics) in one language: its fixed phrases, the words for a deadline's kind and for
a role, a stored rule and clause text, and which title of an obligation it shows. `ENGLISH` is the command
line's (`calendar export`); the web's subscription link gives the account's language (`web.agenda`, Dutch
by default, its phrases in the web's catalog)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

PHRASES = MappingProxyType(
    {
        "due_by": "Due by the end of {day} (Europe/Amsterdam)",
        "rule": "Rule: {rule} — {source}",
        "owed": "Owed by: {by}; to: {to}",
        "overdue": "OVERDUE",
        "fulfilled": "fulfilled {day}",
        "fulfilled_on": "Fulfilled on {day} (reference {reference})",
        "alarm": "Due: {summary}",
        "more": "The soonest {shown} of {total} open deadlines; My work lists them all.",
    }
)


def _as_is(text: str) -> str:
    return text


@dataclass(frozen=True)
class Words:
    language: str = "en"  # "en": an obligation's description has its English title; else the Dutch one
    phrases: Mapping[str, str] = field(default_factory=lambda: PHRASES)
    kind: Callable[[str], str] = _as_is  # a deadline's kind as the engine writes it ("response due")
    role: Callable[[str, str], str] = lambda key, profile: key  # a role key, in its profile's words
    rule: Callable[[str], str] = _as_is  # a stored rule text
    source: Callable[[str], str] = _as_is  # a stored clause text

    def say(self, phrase: str, **values: object) -> str:
        return self.phrases[phrase].format(**values)

    def roles(self, keys: str, profile: str) -> str:
        """A comma-separated list of role keys of `profile` in words."""
        return ", ".join(self.role(key.strip(), profile) for key in keys.split(",") if key.strip())


ENGLISH = Words()
