"""A refusal's rule in the person's language.

A refusal names the rule it enforces (`EngineError.rule`) in English: the command line prints it so and the
tests read it so. A web page in Dutch shows it through `localise_refusal_rule`: a rule the engine writes as
a fixed text is looked up whole in the `refusal_rules_nl` tables; a rule composed around a name (a KPI, an
action, a kind of plan) is matched by the patterns of `refusal_rules_nl_kpis`, which keep the name as it
is; a state machine's refusal ("wrong state (respond)", or the guard's own rule) says in Dutch in which state
the action can be taken, or what the guard requires (`refusal_rules_nl.MACHINE`). A rule no table knows is
one a refusal carries over from a deadline (a timer's rule): it is put in Dutch as the deadline's rules are
(`rule_texts.localise`), and what that does not know stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from escalation_engine.core import refusal_rules_nl, refusal_rules_nl_kpis
from escalation_engine.core.rule_texts import localise

_WRONG_STATE = re.compile(r"wrong state \((.+)\)")


# every table of whole rules (English → Dutch), by procedure
TABLES = (
    refusal_rules_nl.LADDER,
    refusal_rules_nl.PLANS,
    refusal_rules_nl.STEP_IN,
    refusal_rules_nl_kpis.KPIS,
    refusal_rules_nl_kpis.SANCTIONS,
    refusal_rules_nl_kpis.OBLIGATIONS,
    refusal_rules_nl_kpis.ACCOUNTS,
)


@lru_cache(maxsize=1)
def _fixed() -> dict[str, str]:
    guards = {name: guard or state for name, (guard, state) in refusal_rules_nl.MACHINE.items()}
    return {english: dutch for table in (guards, *TABLES) for english, dutch in table.items()}


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...]:
    return tuple((re.compile(pattern), dutch) for pattern, dutch in refusal_rules_nl_kpis.PATTERNS)


@lru_cache(maxsize=4096)
def _dutch(rule: str) -> str:
    fixed = _fixed().get(rule)
    if fixed is not None:
        return fixed
    for pattern, replacement in _patterns():
        match = pattern.fullmatch(rule)
        if match:
            return match.expand(replacement) if isinstance(replacement, str) else replacement(match)
    wrong = _WRONG_STATE.fullmatch(rule)
    if wrong:
        step = refusal_rules_nl.MACHINE.get(wrong.group(1))
        return f"verkeerde toestand: {step[1]}" if step else f"verkeerde toestand ({_dutch(wrong.group(1))})"
    return localise(rule, "nl")


def localise_refusal_rule(rule: str, language: str) -> str:
    """`rule` (the rule a refusal names, as the engine wrote it) in `language`; English is the rule itself."""
    if language != "nl" or not rule:
        return rule
    return _dutch(rule)
