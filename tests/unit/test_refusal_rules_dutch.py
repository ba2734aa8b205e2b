"""Every rule a refusal on a web page can name reads as Dutch on a Dutch page: each rule the engine raises
(found by walking the code, see `refusal_rule_sites`) comes out of `localise_refusal_rule` with no English
word left — neither a common one (`english_words`) nor any word of the engine's English rules themselves —
and with what it names (a KPI, an action, a number of months) untouched; English is the rule as written.
Only the rules of the command line's own work are left English, each with its reason; and every English
rule the tables translate is one the engine raises, so a rule reworded in the code cannot leave its Dutch
behind unnoticed.
"""

from __future__ import annotations

import re

import pytest
from english_words import QUOTED, english_words
from refusal_rule_sites import RuleSite, rule_sites

from escalation_engine.core import refusal_rules_nl, refusal_rules_nl_kpis
from escalation_engine.core.refusal_rules import TABLES, localise_refusal_rule
from escalation_engine.web.render import environment

# The command line's own work: a web page never shows these (the reason for each), so they stay English.
_TOKENS = "personal tokens are the command line's; the web signs in with a session"
CLI_ONLY = {
    (
        "escalation_engine/accounts/admin.py",
        "administrators only",
    ): "administering a shared database: `account`",
    ("escalation_engine/accounts/admin.py", "own account only"): "finding another account is `account show`",
    ("escalation_engine/accounts/tokens.py", "own tokens only"): _TOKENS,
    ("escalation_engine/accounts/tokens.py", "revoke once"): _TOKENS,
    ("escalation_engine/accounts/tokens.py", "a proven account on a shared database"): _TOKENS,
    (
        "escalation_engine/app/registration.py",
        "unique contract key",
    ): "registering a contract is `contract add`",
    ("escalation_engine/app/registration.py", "one membership per account and contract"): "`person add`",
    (
        "escalation_engine/core/timer_failures.py",
        "a timer fires exactly once",
    ): "retrying a timer is `timers retry`",
    ("escalation_engine/contracts/people.py", "no acting for another person on a shared database"): (
        "the web acts as the signed-in person (no --as)"
    ),
}
# Words of the English rules that a Dutch rule writes the same way, and what a rule names as it is: a profile
# key, an option, a clause's document (B2, TP).
SHARED = {"in", "is", "of", "op", "per", "plan", "open", "over", "kpi", "norm", "score", "codes", "contract"}
SHARED |= {"ladder", "register", "procedure", "account", "accounts", "oidc", "https", "step-in"}
SHARED |= {"categorie"}  # "the Categorie is the sanctioner": the contract's own word in the English rule
KEYS = re.compile(r"raised_by|step_in\.threshold|escalate_as|--results|\bkpis\b|\b(?:B2|TP) §")

SITES = rule_sites()
CHECKED = [site for site in SITES if site.web and (site.path, site.skeleton) not in CLI_ONLY]


def words(text: str, tokens: tuple[str, ...]) -> set[str]:
    """The words of `text` (lower case, two letters or more), without its tokens, quoted values and keys."""
    for token in tokens:
        text = text.replace(token, "")
    return {word.lower() for word in re.findall(r"[^\W\d_][\w-]+", KEYS.sub("", QUOTED.sub("", text)))}


RULE_WORDS = {word for site in SITES for word in words(site.skeleton, site.tokens)} - SHARED


def test_the_walk_finds_the_rules_of_the_web_actions_and_the_state_machines() -> None:
    rules = {site.skeleton for site in CHECKED}
    assert len(CHECKED) > 120
    assert "no skipping: every lower level is gone through first" in rules  # a raise (ladder/rules.py)
    assert {"respond", "wrong state (respond)", "wrong state (accept)"} <= rules  # fire(rule=…), rule=verb
    assert (
        "authority: deciding to reject the plan" in rules
    )  # require_role(what=f"deciding to {verb} the plan")
    assert "'skip-step1' only for the three-step improvement plan (B2 §5.2)" in rules  # KIND_NAMES[kind]
    assert "closure with measures, results and lessons learned, by the raising side" in rules  # rule=rule
    assert "a fulfilment is taken back only while nothing was decided on it" in rules  # rule=RULE
    assert "authority: moving to step 2 (consulting the category)" in rules
    assert "authority: only the category requests step-in" not in rules  # step-in's require_role is its own
    assert not any(site.web for site in SITES if site.path.startswith("escalation_engine/cli/"))
    assert all(any(site.web and (site.path, site.skeleton) == key for site in SITES) for key in CLI_ONLY)


@pytest.mark.parametrize(
    "site", CHECKED, ids=lambda site: f"{site.path.split('/')[-1]}:{site.line}:{site.skeleton[:40]}"
)
def test_every_rule_a_web_page_can_name_reads_as_dutch_with_its_names_untouched(site: RuleSite) -> None:
    dutch = localise_refusal_rule(site.skeleton, "nl")
    assert english_words(dutch, site.tokens) == [], dutch
    assert words(dutch, site.tokens) & RULE_WORDS == set(), dutch
    assert [token for token in site.tokens if token not in dutch] == [], dutch
    assert dutch != site.skeleton
    assert localise_refusal_rule(site.skeleton, "en") == site.skeleton


def test_every_rule_the_tables_translate_is_one_the_engine_raises() -> None:
    raised = {site.skeleton for site in SITES}
    assert [english for table in TABLES for english in table if english not in raised] == []
    assert [name for name in refusal_rules_nl.MACHINE if f"wrong state ({name})" not in raised] == []
    patterns = [pattern for pattern, _ in refusal_rules_nl_kpis.PATTERNS]
    assert [p for p in patterns if not any(re.fullmatch(p, rule) for rule in raised)] == []


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        (
            "no skipping: every lower level is gone through first",
            "geen escalatieniveau overslaan: elk lager escalatieniveau wordt eerst doorlopen",
        ),
        (
            "repeated escalations (B2 §6, the profile's step_in.threshold)",
            "herhaaldelijke escalaties (B2 §6, step_in.threshold van het profiel)",
        ),
        ("one step-in procedure at a time", "één step-in-procedure tegelijk"),
        (
            "wrong state (respond)",
            "verkeerde toestand: reageren kan alleen op een aangesproken escalatie, ook nadat de reactietermijn "
            "zonder reactie is verstreken",
        ),
        (
            "skipping step 1",  # the guard said no: the plan concerns no KPI and one participant
            "stap 1 overslaan kan alleen als het om een KPI of meer dan één Deelnemer gaat",
        ),
        (
            "wrong state (skipping step 1)",
            "verkeerde toestand: stap 1 overslaan kan alleen zolang het verbeterplan in stap 1 is",
        ),
        ("authority: recording KPI kto", "bevoegdheid: KPI kto vastleggen"),
        ("authority: deciding to accept the plan", "bevoegdheid: besluiten het plan te accepteren"),
        (
            "'present' only for the three-step improvement plan (B2 §5.2)",
            "'present' alleen voor het verbeterplan in drie stappen (B2 §5.2)",
        ),
        (
            "wrong state (response window: addressed + 5 days)",  # a timer's rule, carried by its refusal
            "verkeerde toestand (reactietermijn: geadresseerd + 5 dagen)",
        ),
        ("a rule of a newer engine", "a rule of a newer engine"),  # a rule no table knows: as written
    ],
    ids=[
        "raise",
        "step-in",
        "one-at-a-time",
        "state",
        "guard",
        "guard-state",
        "kpi",
        "action",
        "kind",
        "timer",
        "unknown",
    ],
)
def test_a_rule_reads_as_dutch_and_as_written_in_english(english: str, dutch: str) -> None:
    assert localise_refusal_rule(english, "nl") == dutch
    assert localise_refusal_rule(english, "en") == english


def test_a_deadlines_rule_keeps_its_own_filter_and_a_refusals_rule_reads_through_the_refusal_rule_filter() -> (
    None
):
    dutch, english = environment("nl").filters, environment("en").filters
    assert dutch["rule"]("respond") == "respond"  # `rule` is a deadline's: a refusal's table is not its own
    assert dutch["rule"]("response window: addressed + 5 days") == "reactietermijn: geadresseerd + 5 dagen"
    assert dutch["refusal_rule"]("respond").startswith("reageren kan alleen")
    assert dutch["refusal_rule"](None) == "" and english["refusal_rule"]("respond") == "respond"
