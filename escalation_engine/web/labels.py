"""The words a page shows for the engine's codes: every state of every procedure, every kind of deadline and
every role of the shipped profiles, in Dutch (the msgid; English in `locale/en.po`); the audit actions are
in `labels_actions`. A code without a label is shown as it is, and tests enumerate the machines' states, the
registered timer kinds and the profiles' role keys, so a new one without a label fails."""

from __future__ import annotations

import re
from collections.abc import Callable

from escalation_engine.core.deadline_words_nl import KINDS as DEADLINE_KINDS
from escalation_engine.core.role_words_nl import ROLES
from escalation_engine.core.state_words_nl import STATES as PROCEDURE_STATES

STATES = {
    **PROCEDURE_STATES,
    # obligations and list filters
    "met": "gehaald",  # a KPI verdict
    "missed": "niet gehaald",
    "open": "open",
    "all": "alle",
    "failed": "mislukt",
    "retrying": "wordt opnieuw geprobeerd",
}

DEADLINES = DEADLINE_KINDS  # every kind of deadline (`core.deadline_words_nl`, a Dutch mail names them too)

# Every role key of the shipped profiles in the seeds' words (`core.role_words_nl`, which a Dutch refusal
# names too); a key that names another person in one profile has that profile's words in PROFILE_ROLES.
PROFILE_ROLES = {
    # TP §3 table 2: "CM CAT", the contract manager of the Categorie — not B2's head of category management
    "reintegratie-defensie": {
        "category_manager": "CM CAT (contractmanager Categorie Duurzame Inzetbaarheid)"
    },
}


def labeller(table: dict[str, str], gettext: Callable[[str], str]) -> Callable[[object], str]:
    """A Jinja filter: the label of a code in the page's language (`what` of a deadline comes with spaces)."""

    def label(code: object) -> str:
        key = str(code or "").replace(" ", "_")
        return gettext(table[key]) if key in table else str(code or "")

    return label


def role_labeller(gettext: Callable[[str], str]) -> Callable[..., str]:
    """A Jinja filter: a role key's words in the page's language, its profile's own where it has them
    (`row.actor_role|role(row.profile)`); an unknown key is shown as it is."""

    def label(code: object, profile: object = None) -> str:
        key = str(code or "")
        words = PROFILE_ROLES.get(str(profile or ""), {}).get(key) or ROLES.get(key)
        return gettext(words) if words else key

    return label


# Where an English refusal names roles by their keys (the command line's text): "needed role: a or b",
# "… is for a or b (", "(you are a)", "with role a"; each key there becomes the role's words.
_ROLE_LISTS = re.compile(r"(needed role: |is for |\(you are |with role )([a-z_]+(?: or [a-z_]+)*)")


def english_roles(text: str, gettext: Callable[[str], str]) -> str:
    """An English refusal with the role keys it names in words (a key the profiles lack stays)."""

    def words(match: re.Match[str]) -> str:
        keys = match.group(2).split(" or ")
        return match.group(1) + " or ".join(gettext(ROLES[key]) if key in ROLES else key for key in keys)

    return _ROLE_LISTS.sub(words, text)
