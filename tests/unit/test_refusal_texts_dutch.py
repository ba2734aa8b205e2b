"""Every refusal a web page can show reads as Dutch on a Dutch page: each message the engine raises (found by
walking the code the web application reaches, see `refusal_sites`) comes out of `localise_refusal` without
English words, with what it names — refs, keys, dates, roles, quoted values — untouched; English is the
message as written. Only the messages of the command line's own work are left English, each with its reason.
"""

from __future__ import annotations

import pytest
from english_words import english_words
from refusal_sites import Site, sites

from escalation_engine.core import refusal_texts_nl
from escalation_engine.core.refusal_texts import localise_refusal
from escalation_engine.web.labels import STATES

# The command line's own work: a web page never shows these (the reason for each), so they stay English.
CLI_ONLY_MODULES = {
    "escalation_engine/accounts/admin.py": "administering a shared database is done with `account` commands",
    "escalation_engine/accounts/tokens.py": "personal tokens are the command line's; the web signs in with a session",
    "escalation_engine/accounts/accounts.py": "finding an account and setting its language are `account` commands",
    "escalation_engine/app/registration.py": "registering contracts and people is done with `contract`/`person add`",
    "escalation_engine/app/calendar_feed.py": "the options of `calendar export`; the web's feed names its account",
    "escalation_engine/core/paging.py": "--limit/--offset of the list commands; a page passes its own page size",
    "escalation_engine/core/timer_failures.py": "retrying a failed timer by hand is `timers retry`",
    "escalation_engine/core/db.py": "opening the database happens before any page is served",
}
CLI_ONLY_MESSAGES = {
    ("escalation_engine/contracts/people.py", "name the acting person with --as"): (
        "the web acts as the signed-in person (no --as)"
    ),
    (
        "escalation_engine/contracts/people.py",
        "signed in as ",
    ): "only --as names another person than yourself",
    ("escalation_engine/contracts/participants.py", "participant name is longer than"): "`participant add`",
    (
        "escalation_engine/contracts/participants.py",
        "participant Zq1 is already registered",
    ): "`participant add`",
}
# Pieces that exist only inside a message (checked there by the tests below)
PIECES = {
    ("escalation_engine/procedures/kpis/results.py", " for Zq"): "for_participant, inside 'already recorded'",
    ("escalation_engine/procedures/kpis/results.py", "survey import"): "inside 'is evaluated from'",
    ("escalation_engine/procedures/kpis/results.py", "the decentral KPI"): "inside 'is evaluated from'",
    ("escalation_engine/procedures/kpis/rules/survey.py", " for Zq"): "inside 'is not a whole number'",
    ("escalation_engine/procedures/kpis/surveys.py", "any round"): "inside 'no survey … imported'",
    ("escalation_engine/procedures/kpis/surveys.py", "round Zq"): "inside 'no survey … imported'",
}
LEFT_ENGLISH = {**CLI_ONLY_MESSAGES, **PIECES}


def _left_english(site: Site) -> bool:
    return site.path in CLI_ONLY_MODULES or any(
        site.path == path and site.skeleton.startswith(start) for path, start in LEFT_ENGLISH
    )


SITES = sites()
CHECKED = [site for site in SITES if not _left_english(site)]


def test_the_walk_finds_the_refusals_of_the_web_actions_and_each_exception_names_one() -> None:
    skeletons = {site.skeleton for site in SITES}
    assert len(CHECKED) > 300
    assert "Zq1 is already at level Zq2; a raise goes to a higher level" in skeletons  # escalation raise
    assert any(s.startswith("Zq1: the supplier has not been heard yet") for s in skeletons)  # sanction apply
    assert any(s.startswith("row Zq1, column Zq2: ") for s in skeletons)  # an import row's problem
    assert "recording the presentation; needed role: Zq1 (you are Zq2)" in skeletons  # `what` filled in
    assert not any(
        site.path.startswith("escalation_engine/cli/") for site in SITES
    )  # the CLI's own: not reached
    unused = [
        key
        for key in LEFT_ENGLISH
        if not any(s.path == key[0] and s.skeleton.startswith(key[1]) for s in SITES)
    ]
    assert unused == [] and all(any(s.path == path for s in SITES) for path in CLI_ONLY_MODULES)


@pytest.mark.parametrize("site", CHECKED, ids=lambda site: f"{site.path.split('/')[-1]}:{site.line}")
def test_every_refusal_a_web_page_can_show_reads_as_dutch_with_its_names_untouched(site: Site) -> None:
    dutch = localise_refusal(site.skeleton, "nl")
    assert english_words(dutch, site.tokens) == [], dutch
    assert [token for token in site.tokens if token not in dutch] == [], dutch
    assert dutch != site.skeleton or not english_words(site.skeleton, site.tokens)
    assert localise_refusal(site.skeleton, "en") == site.skeleton


def test_the_states_a_refusal_names_are_the_words_of_the_web_pages() -> None:
    assert {code: STATES[code] for code in refusal_texts_nl.STATES} == refusal_texts_nl.STATES


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        (
            "ESC-12 is closed; nothing more can be done with it",
            "ESC-12 is afgesloten; er kan niets meer mee worden gedaan",
        ),
        (
            "escalation to level 2 (2e escalatieniveau) refused — level 1 (1e escalatieniveau) not gone through: "
            "the account_manager has not responded and the response window has not passed (it ends with "
            "2026-03-06, Europe/Amsterdam); the raising side has not recorded an assessment of the result. "
            "Go through the previous levels properly first.",
            "escalatie naar niveau 2 (2e escalatieniveau) geweigerd — niveau 1 (1e escalatieniveau) niet "
            "doorlopen: de account_manager heeft niet gereageerd en de reactietermijn is niet verstreken (die "
            "loopt tot en met 2026-03-06, Europe/Amsterdam); de escalerende kant heeft geen beoordeling van het "
            "resultaat vastgelegd. Doorloop eerst de vorige niveaus zorgvuldig.",
        ),
        (
            "maart.csv: refused whole, nothing imported — 2 problem(s):\n  row 2, column participant: unknown "
            "participant '<b>Nep</b>' on contract 'LF' (known: Belastingdienst); register it first: participant "
            "add --contract LF --name NAME\n  row 3: delivery 2026-02 for Belastingdienst is already recorded",
            "maart.csv: geheel geweigerd, niets geïmporteerd — 2 probleem/problemen:\n  rij 2, kolom participant: "
            "onbekende Deelnemer '<b>Nep</b>' op contract 'LF' (bekend: Belastingdienst); registreer die eerst: "
            "participant add --contract LF --name NAME\n  rij 3: delivery 2026-02 voor Belastingdienst is al "
            "vastgelegd",
        ),
        (
            "row 4, column grade: grade '11' for 'Belastingdienst' on topic 'levering' is not a whole number "
            "from 1 to 10",
            "rij 4, kolom grade: cijfer '11' voor 'Belastingdienst' bij onderwerp 'levering' is geen geheel getal "
            "van 1 tot en met 10",
        ),
        (
            "no survey round 2026 imported for contract LF (survey import …)",
            "geen ronde 2026 van het onderzoek geïmporteerd voor contract LF (survey import …)",
        ),
        (
            "no survey any round imported for contract LF (survey import …)",
            "geen enkele ronde van het onderzoek geïmporteerd voor contract LF (survey import …)",
        ),
        (
            "KPI share is not recorded by value: it is evaluated from the decentral KPI delivery (B2 §2.2)",
            "KPI share wordt niet met een waarde vastgelegd: die wordt beoordeeld uit de decentrale KPI delivery "
            "(B2 §2.2)",
        ),
        (
            "KPI kto is not recorded by value: it is evaluated from survey import (B2 §2.3)",
            "KPI kto wordt niet met een waarde vastgelegd: die wordt beoordeeld uit de import van het onderzoek "
            "(B2 §2.3)",
        ),
        (
            "dcm (participant_contract_manager) may not apply SAN-3: only the category decides on sanctions "
            "(category, category_manager)",
            "dcm (participant_contract_manager) mag SAN-3 niet opleggen: alleen de Categorie besluit over "
            "sancties (category, category_manager)",
        ),
    ],
    ids=[
        "state",
        "raise",
        "import-rows",
        "survey-grade",
        "survey-round",
        "survey-any",
        "share",
        "survey",
        "decider",
    ],
)
def test_a_composed_refusal_reads_as_dutch_all_through(english: str, dutch: str) -> None:
    assert localise_refusal(english, "nl") == dutch
    assert localise_refusal(english, "en") == english


def test_a_clause_text_inside_a_message_is_dutch_too_and_a_text_no_pattern_knows_stays_as_written() -> None:
    english = (
        "SAN-1: the supplier has not been heard yet — it may respond until 2026-03-20 (response_days: 10 "
        "days, policy default — B2 §5.1 sets no response window (not contractual)). Wait for the response "
        "(sanction respond SAN-1 --text …) or the end of the term, or record why the decision cannot wait "
        "(sanction apply SAN-1 --cannot-wait REASON …)"
    )
    dutch = localise_refusal(english, "nl")
    assert "10 dagen, beleidskeuze — B2 §5.1 stelt geen reactietermijn (niet contractueel))" in dutch
    assert dutch.startswith(
        "SAN-1: Opdrachtnemer is nog niet gehoord — die kan reageren tot en met 2026-03-20"
    )
    for text in (
        "Kies wat u importeert.",
        "Datum: vul een datum in als JJJJ-MM-DD.",
        "Something else entirely",
    ):
        assert localise_refusal(text, "nl") == text


def test_a_role_check_names_the_roles_in_the_seeds_words_on_a_dutch_page() -> None:
    message = "recording the presentation is for jobcoach or board (you are executive)"
    dutch = localise_refusal(message, "nl")
    assert dutch == (
        "de presentatie vastleggen is voorbehouden aan jobcoach, coördinator nazorg (Opdrachtnemer) of "
        "directie Opdrachtnemer (u bent eindverantwoordelijk management Opdrachtnemer)"
    )
    assert "needed role: account_manager" in localise_refusal("x; needed role: account_manager", "en")
    assert localise_refusal("x; needed role: Zq1 (you are Zq2)", "nl").endswith(
        "benodigde rol: Zq1 (u bent Zq2)"
    )
