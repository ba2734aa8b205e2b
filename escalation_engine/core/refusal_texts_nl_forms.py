"""Dutch sentence patterns for the refusals every form can meet — a text field, a reference, a date, a case
that is not there, a state machine's guard — for signing in, and for the role checks (see `refusal_texts`).
`SENTENCES` go first; `LAST` (the generic role checks) after the procedures' own sentences."""

from __future__ import annotations

import re
from typing import Any

from escalation_engine.core.refusal_texts_nl import (
    ACTIONS,
    FIELDS,
    KINDS,
    RULES,
    STATES,
    alternatives,
    role,
    roles,
    start,
    word,
)

_FIELD = alternatives(FIELDS)
_ACTION = alternatives(ACTIONS)
_RULE = alternatives(RULES)
_KIND = alternatives(KINDS)
_REFUSED_CHARS = (
    "control characters U+0000-U+001F and U+007F, direction overrides U+202A-U+202E and U+2066-U+2069"
)


SENTENCES: list[tuple[str, Any]] = [
    # the checks every form shares: text fields, references, dates (core.refs, core.dates, core.date_bounds)
    (
        re.escape(_REFUSED_CHARS),
        "stuurtekens U+0000-U+001F en U+007F, richtingtekens U+202A-U+202E en U+2066-U+2069",
    ),
    (rf"\b{_FIELD} must not be empty", lambda m: f"{start(word(FIELDS, m.group(1)))} mag niet leeg zijn"),
    (
        rf"\b{_FIELD} may hold line breaks but not (.+?) \(refused: other ",
        lambda m: (
            f"{start(word(FIELDS, m.group(1)))} mag regeleinden bevatten, maar niet {m.group(2)} "
            "(geweigerd: andere "
        ),
    ),
    (
        rf"\b{_FIELD} is one line of text: it may not hold (.+?) \(refused: ",
        lambda m: (
            f"{start(word(FIELDS, m.group(1)))} is één regel tekst: die mag geen {m.group(2)} bevatten "
            "(geweigerd: "
        ),
    ),
    (
        rf"malformed {_KIND} reference (.+?): expected (\S+)-<number>, e\.g\. ",
        lambda m: (
            f"ongeldig kenmerk {m.group(2)} van een {word(KINDS, m.group(1))}: verwacht "
            f"{m.group(3)}-<nummer>, bijvoorbeeld "
        ),
    ),
    (
        rf"{_KIND} reference (.+?) is out of range: no case has a number that large",
        lambda m: (
            f"kenmerk {m.group(2)} van een {word(KINDS, m.group(1))} valt buiten het bereik: geen "
            "zaak heeft zo een hoog nummer"
        ),
    ),
    (r"^(.+?) must not be empty$", r"\1 mag niet leeg zijn"),
    (
        r"^(.+?) may hold line breaks but not (.+?) \(refused: other ",
        r"\1 mag regeleinden bevatten, maar niet \2 (geweigerd: andere ",
    ),
    (
        r"^(.+?) is one line of text: it may not hold (.+?) \(refused: ",
        r"\1 is één regel tekst: die mag geen \2 bevatten (geweigerd: ",
    ),
    (r"malformed date (.+?): expected YYYY-MM-DD", r"ongeldige datum \1: verwacht JJJJ-MM-DD"),
    (
        rf"\b{_FIELD} (\S+) is outside the allowed range (\S+) to (\S+) \(",
        lambda m: (
            f"{start(word(FIELDS, m.group(1)))} {m.group(2)} valt buiten het toegestane bereik "
            f"{m.group(3)} tot en met {m.group(4)} ("
        ),
    ),
    (
        r"\(from the contract's award or start to today\)",
        "(vanaf de gunning of de start van het contract tot vandaag)",
    ),
    (
        r"\(not before 2000 and not after the contract's start\)",
        "(niet voor 2000 en niet na de start van het contract)",
    ),
    (r"\(from today up to (\S+) years ahead\)", r"(vanaf vandaag tot \1 jaar vooruit)"),
    (r"\(from (\S+) up to (\S+) years ahead\)", r"(vanaf \1 tot \2 jaar vooruit)"),
    (r"\(up to (\S+) years ahead\)", r"(tot \1 jaar vooruit)"),
    (
        rf"\b{_FIELD} (.+?) \((\S+) to (\S+)\) is outside the allowed range: a period that does not end before "
        r"the contract's start (\S+) and starts by (\S+) \(one year after today\)",
        lambda m: (
            f"{start(word(FIELDS, m.group(1)))} {m.group(2)} ({m.group(3)} tot en met {m.group(4)}) valt "
            "buiten het toegestane bereik: een periode die niet eindigt voor de start van het contract "
            f"{m.group(5)} en uiterlijk {m.group(6)} begint (een jaar na vandaag)"
        ),
    ),
    (
        rf"\b{_FIELD} (\S+) lies in the (future|past) \(today is (\S+)\)",
        lambda m: (
            f"{start(word(FIELDS, m.group(1)))} {m.group(2)} ligt in "
            f"{'de toekomst' if m.group(3) == 'future' else 'het verleden'} (vandaag is {m.group(4)})"
        ),
    ),
    # a case that is not there, or not for this person
    (
        rf"\b{_KIND} (\S+) not found on contract (\S+)",
        lambda m: f"{word(KINDS, m.group(1))} {m.group(2)} niet gevonden op contract {m.group(3)}",
    ),
    (rf"\b{_KIND} (\S+) not found\b", lambda m: f"{word(KINDS, m.group(1))} {m.group(2)} niet gevonden"),
    (
        r"^not found among the contracts you are a member of$",
        "niet gevonden bij de contracten waarvan u lid bent",
    ),
    (r"^(\S+) not found$", r"\1 niet gevonden"),
    (r"^single sign-on is not configured$", "single sign-on is niet ingesteld"),
    # the state machines (core.machine)
    (
        r"^(\S+) is ([\w ]+?): '([^']+)' is not possible in that state$",
        lambda m: (
            f"{m.group(1)} is {word(STATES, m.group(2))}: '{m.group(3)}' is in die toestand niet mogelijk"
        ),
    ),
    (rf"^(\S+): {_RULE} is not met$", lambda m: f"{m.group(1)}: niet voldaan aan: {word(RULES, m.group(2))}"),
    (r"^(\S+): (.+) is not met$", r"\1: niet voldaan aan: \2"),
]

LAST: list[tuple[str, Any]] = [
    # who may do what (the procedures' role checks)
    (r"\byou, (\S+), are (\S+)", r"u, \1, bent \2"),
    (r"\(you are (\S+)\)", lambda m: f"(u bent {role(m.group(1))})"),
    # sign-in, passwords, single sign-on (accounts)
    (r"^password: ", "wachtwoord: "),
    (
        r"\ba password has at least (\S+) characters \(any characters; a sentence is fine\)",
        r"een wachtwoord heeft ten minste \1 tekens (alle tekens; een zin is prima)",
    ),
    (r"\ba password has at most (\S+) characters", r"een wachtwoord heeft hoogstens \1 tekens"),
    (
        r"this link is not valid any more \(used, expired or unknown\): ask for a new one",
        "deze link is niet meer geldig (gebruikt, verlopen of onbekend): vraag een nieuwe aan",
    ),
    (r"OpenID Connect endpoint (.+?) is not HTTPS", r"het OpenID Connect-eindpunt \1 gebruikt geen HTTPS"),
    (r"the ID token is not valid \(", "het ID-token is niet geldig ("),
    (
        r"the provider proved no verified e-mail address",
        "de aanbieder heeft geen geverifieerd e-mailadres aangetoond",
    ),
    (r"the provider's e-mail address is not valid", "het e-mailadres van de aanbieder is niet geldig"),
    (
        r"(\S+) has no account here: ask an administrator for an invitation",
        r"\1 heeft hier geen account: vraag een beheerder om een uitnodiging",
    ),
    (
        rf"^{_FIELD}: an e-mail address is required",
        lambda m: f"{word(FIELDS, m.group(1))}: een e-mailadres is verplicht",
    ),
    (
        rf"^{_FIELD}: (.+?) is not one e-mail address \(one mailbox per person\)",
        lambda m: (
            f"{word(FIELDS, m.group(1))}: {m.group(2)} is niet één e-mailadres (één mailbox per persoon)"
        ),
    ),
    (
        rf"^{_FIELD}: (.+?) is not a valid e-mail address \(",
        lambda m: f"{word(FIELDS, m.group(1))}: {m.group(2)} is geen geldig e-mailadres (",
    ),
    # who may do what: the role checks' phrases, then any role check (after the sentences that name theirs)
    (rf"{_ACTION}; needed role: ", lambda m: f"{word(ACTIONS, m.group(1))}; benodigde rol: "),
    (rf"{_ACTION} is for ", lambda m: f"{word(ACTIONS, m.group(1))} is voorbehouden aan "),
    (r"deciding to (\S+) the plan", lambda m: f"besluiten over het plan ({word(RULES, m.group(1))})"),
    (r"\bonly the counterpart at (.+?) responds to (\S+)", r"alleen de wederpartij op \1 reageert op \2"),
    (
        r"\bthe result of (.+?) is judged by the raising side",
        r"het resultaat van \1 wordt beoordeeld door de escalerende kant",
    ),
    (r" is for (\S+(?: or \S+)*) \((?=u, )", lambda m: f" is voorbehouden aan {roles(m.group(1))} ("),
    (r"(?<=benodigde rol: )(\S+(?: or \S+)*)", lambda m: roles(m.group(1))),
    (r"(?<= is voorbehouden aan )(\S+(?: or \S+)*)", lambda m: roles(m.group(1))),
    (r"\bneeded role: (\S+(?: or \S+)*)", lambda m: f"benodigde rol: {roles(m.group(1))}"),
    (r" is for (\S+(?: or \S+)*) \(", lambda m: f" is voorbehouden aan {roles(m.group(1))} ("),
]
