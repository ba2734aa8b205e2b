"""Dutch sentence patterns for the refusals of KPI results, the rules' checks of figures, the survey and the
waiting-room clause, a verdict's follow-up and the sanctions (see `refusal_texts`)."""

from __future__ import annotations

import re
from typing import Any

from escalation_engine.core.refusal_texts_nl import (
    PERIOD_KINDS,
    SANCTION_ACTS,
    STATES,
    UNITS,
    alternatives,
    word,
)
from escalation_engine.core.source_texts_nl import SOURCES

EVALUATING = {
    "evaluating KPIs": "het beoordelen van de KPI's",
    "evaluating the survey": "het beoordelen van het onderzoek",
    "establishing the waiting-room norm": "het vaststellen van de wachtkamernorm",
}
HOW = {"survey import": "de import van het onderzoek"}


def _clause(text: str) -> str:
    """A clause text inside a message, in Dutch when the clause table knows it."""
    return SOURCES.get(text, text)


def _round(text: str) -> str:
    """Which survey round a message names: "any round", "round 2026"."""
    return "enkele ronde" if text == "any round" else re.sub(r"^round ", "ronde ", text)


def _kinds(text: str) -> str:
    return " of ".join(word(PERIOD_KINDS, kind) for kind in text.split(" or "))


_EVALUATING = alternatives(EVALUATING)
_ACT = alternatives(SANCTION_ACTS)

SENTENCES: list[tuple[str, Any]] = [
    # who evaluates (kpis.run)
    (
        rf"(\S+) \((\S+)\) is on the supplier side: {_EVALUATING} is done by the client or the participant",
        lambda m: (
            f"{m.group(1)} ({m.group(2)}) staat aan de kant van Opdrachtnemer: {word(EVALUATING, m.group(3))} "
            "doet Opdrachtgever of de Deelnemer"
        ),
    ),
    (
        r"(\S+) \((\S+)\) is on the supplier side: (.+?) is done by the client or the participant",
        r"\1 (\2) staat aan de kant van Opdrachtnemer: \3 doet Opdrachtgever of de Deelnemer",
    ),
    # KPI results (kpis.results, kpis.rules.norms, kpis.rules.periods)
    (
        r"contract (\S+) has no KPIs: its profile (.+?) has no 'kpis:' section",
        r"contract \1 heeft geen KPI's: het profiel \2 heeft geen sectie 'kpis:'",
    ),
    (r"unknown KPI (.+?) on contract (\S+) \(known: ", r"onbekende KPI \1 op contract \2 (bekend: "),
    (
        r"KPI (\S+) is not recorded by value: it is evaluated from (.+?) \((.+)\)$",
        lambda m: (
            f"KPI {m.group(1)} wordt niet met een waarde vastgelegd: die wordt beoordeeld uit "
            f"{word(HOW, m.group(2)).replace('the decentral KPI', 'de decentrale KPI')} ({_clause(m.group(3))})"
        ),
    ),
    (
        r"KPI (\S+) is not recorded by value: it is judged from the fulfilment of obligation (.+?): ",
        lambda m: (
            f"KPI {m.group(1)} wordt niet met een waarde vastgelegd: die wordt beoordeeld op de nakoming "
            f"van verplichting {m.group(2).replace(' and ', ' en ')}: "
        ),
    ),
    (
        r"KPI (\S+) is decentral: name the participant \((.+)\)$",
        lambda m: f"KPI {m.group(1)} is decentraal: noem de Deelnemer ({_clause(m.group(2))})",
    ),
    (
        r"KPI (\S+) is central: it has no per-participant results \((.+)\)$",
        lambda m: (
            f"KPI {m.group(1)} is centraal: die heeft geen resultaten per Deelnemer ({_clause(m.group(2))})"
        ),
    ),
    (
        r"(\S+ \S+?)(?: for (.+?))? already has the value (.+?) \(recorded by (\S+)\): give --replace to correct it",
        lambda m: (
            f"{m.group(1)}{' voor ' + m.group(2) if m.group(2) else ''} heeft al de waarde {m.group(3)} "
            f"(vastgelegd door {m.group(4)}): geef --replace om die te corrigeren"
        ),
    ),
    (r"(.+?) is not a percentage$", r"\1 is geen percentage"),
    (r"(.+?) is not a number$", r"\1 is geen getal"),
    (r" is outside 0-100 %$", " ligt buiten 0-100 %"),
    (r"(.+?) is not yes/no \(yes, no, ja, nee, 1, 0\)", r"\1 is geen ja/nee (yes, no, ja, nee, 1, 0)"),
    (
        r"KPIs measured as (.+?) are not recorded by value",
        r"KPI's die worden gemeten als \1, worden niet met een waarde vastgelegd",
    ),
    (
        r"KPI (\S+) is measured per (.+?), not per (\S+) \(",
        lambda m: (
            f"KPI {m.group(1)} wordt gemeten per {_kinds(m.group(2))}, niet per {word(PERIOD_KINDS, m.group(3))} ("
        ),
    ),
    (r"\bmonth (\S+) is outside 1-12", r"maand \1 ligt buiten 1-12"),
    (r"\bquarter Q(\S+) is outside Q1-Q4", r"kwartaal Q\1 ligt buiten Q1-Q4"),
    (r"\bhalf year H(\S+) is outside H1-H2", r"halfjaar H\1 ligt buiten H1-H2"),
    (r"\byear (\S+) is outside 0001-9999", r"jaar \1 ligt buiten 0001-9999"),
    (r"\bperiod must be text, got (\S+): ", r"periode moet tekst zijn, niet \1: "),
    (r"\bmalformed period (.+?): ", r"ongeldige periode \1: "),
    (
        r"expected YYYY-MM \(month\), YYYY-Qn \(quarter 1-4\), YYYY-Hn \(half year 1-2\) or YYYY \(year\)",
        "verwacht JJJJ-MM (maand), JJJJ-Qn (kwartaal 1-4), JJJJ-Hn (halfjaar 1-2) of JJJJ (jaar)",
    ),
    (
        r"unknown period kind (.+?): expected month, quarter, half-year or year",
        r"onbekende soort periode \1: verwacht 'month', 'quarter', 'half-year' of 'year'",
    ),
    # the customer-satisfaction survey (kpis.surveys, kpis.rules.survey; B2 §2.3)
    (
        r"\bgrade (.+?) is not a whole number from 1 to 10",
        r"cijfer \1 is geen geheel getal van 1 tot en met 10",
    ),
    (r"(?<=cijfer )(.+?) for (.+?) on topic (.+?)(?= is geen geheel getal)", r"\1 voor \2 bij onderwerp \3"),
    (r"a topic score needs at least one grade", "een score per onderwerp vraagt om ten minste één cijfer"),
    (
        r"the survey needs a non-empty list of topics",
        "het onderzoek vraagt om een niet-lege lijst met onderwerpen",
    ),
    (r"\btopic (.+?) is not a non-empty name", r"onderwerp \1 is geen niet-lege naam"),
    (r"\btopic (.+?) is listed twice", r"onderwerp \1 staat er twee keer in"),
    (r"the survey has no grades at all", "het onderzoek heeft helemaal geen cijfers"),
    (
        r"grade key (.+?) is not a \(participant, topic\) pair",
        r"cijfersleutel \1 is geen paar (Deelnemer, onderwerp)",
    ),
    (
        r"\bparticipant (.+?) graded unknown topic (.+)$",
        r"Deelnemer \1 beoordeelde het onbekende onderwerp \2",
    ),
    (
        r"minimum_response (.+?) must be a Decimal fraction from 0 to 1",
        r"minimum_response \1 moet een Decimal-fractie van 0 tot en met 1 zijn",
    ),
    (
        r"give both invited and responded, or neither",
        "geef zowel het aantal uitgenodigden als het aantal reacties, of geen van beide",
    ),
    (
        r"give both --invited and --responded, or neither",
        "vul zowel Uitgenodigd (--invited) als Gereageerd (--responded) in, of geen van beide",
    ),
    (r"(\S+) must be a whole number >= 0, got (.+)$", r"\1 moet een geheel getal >= 0 zijn, niet \2"),
    (r"(\S+) responses of (\S+) invited is impossible", r"\1 reacties op \2 uitgenodigden is onmogelijk"),
    (
        r"contract (\S+) has no customer-satisfaction survey in its profile",
        r"contract \1 heeft geen klanttevredenheidsonderzoek in zijn profiel",
    ),
    (
        r"survey round (.+?) must be a short label such as 2026",
        r"ronde \1 van het onderzoek moet een kort label zijn, zoals 2026",
    ),
    (
        r"the first survey of contract (\S+) is held after (\S+) months, from (\S+)",
        r"het eerste onderzoek van contract \1 wordt gehouden na \2 maanden, vanaf \3",
    ),
    (
        r"survey round (.+?) of contract (\S+) was already imported from (.+)$",
        r"ronde \1 van het onderzoek van contract \2 is al geïmporteerd uit \3",
    ),
    (
        r"survey round (.+?) of contract (\S+) was already evaluated \(see report\)",
        r"ronde \1 van het onderzoek van contract \2 is al beoordeeld (zie het rapport)",
    ),
    (
        r"no survey (.+?) imported for contract (\S+) ",
        lambda m: f"geen {_round(m.group(1))} van het onderzoek geïmporteerd voor contract {m.group(2)} ",
    ),
    # the waiting-room clause (kpis.waiting_room; TP §2.1.2)
    (
        r"contract (\S+) has no waiting-room clause in its profile",
        r"contract \1 heeft geen wachtkamerclausule in zijn profiel",
    ),
    (
        r"measurement moment month (\S+) of contract (\S+) is on (\S+) \(start (\S+) \+ (\S+) months\): not yet",
        r"meetmoment maand \1 van contract \2 valt op \3 (start \4 + \5 maanden): nog niet",
    ),
    (
        r"measurement moment month (\S+) of contract (\S+) comes before the established month (\S+): moments are established in order",
        r"meetmoment maand \1 van contract \2 komt voor de al vastgestelde maand \3: meetmomenten worden op volgorde vastgesteld",
    ),
    (
        r"measurement moment month (\S+) of contract (\S+) was already evaluated",
        r"meetmoment maand \1 van contract \2 is al beoordeeld",
    ),
    # a verdict's follow-up (kpis.follow_up, kpis.verdict_plans)
    (
        r"(\S+) \((\S+)\) cannot set the improvement term: the category agrees it with the supplier",
        r"\1 (\2) kan de verbetertermijn niet vastleggen: de Categorie spreekt die af met Opdrachtnemer",
    ),
    (
        r"(\S+) is not a missed central delivery-reliability or survey verdict",
        r"\1 is geen niet gehaald centraal oordeel over leverbetrouwbaarheid of klanttevredenheid",
    ),
    (r"(\S+) already has the term (\S+)", r"\1 heeft al de termijn \2"),
    (r"the term (\S+) is not in the future", r"de termijn \1 ligt niet in de toekomst"),
    (
        r"(\S+) \((\S+)\) is not on the supplier side: the supplier shows its improvements",
        r"\1 (\2) staat niet aan de kant van Opdrachtnemer: Opdrachtnemer toont de verbeteringen",
    ),
    (r"(\S+) has no open improvement deadline", r"\1 heeft geen openstaande termijn voor verbeteringen"),
    (r"(\S+): improvements were already recorded by (\S+)", r"\1: verbeteringen zijn al vastgelegd door \2"),
    (
        r"no (\S+) of contract (\S+) is due after (\S+): there is no report for the improvement plan to go with",
        r"geen \1 van contract \2 valt na \3: er is geen rapportage waar het verbeterplan bij kan horen",
    ),
    # sanctions (kpis.sanctions, kpis.sanction_hearing, kpis.sanction_machine; B2 §5)
    (
        rf"(\S+) \((\S+)\) may not {_ACT} (\S+): only the category decides on sanctions \(",
        lambda m: (
            f"{m.group(1)} ({m.group(2)}) mag {SANCTION_ACTS[m.group(3)][0]}{m.group(4)}"
            f"{SANCTION_ACTS[m.group(3)][1]}: alleen de Categorie besluit over sancties ("
        ),
    ),
    (
        r"(\S+) \((\S+)\) is not on the supplier side: only the supplier responds to (\S+)",
        r"\1 (\2) staat niet aan de kant van Opdrachtnemer: alleen Opdrachtnemer reageert op \3",
    ),
    (
        r"(\S+) is ([\w ]+?): the decision was taken, a response is too late",
        lambda m: (
            f"{m.group(1)} is {word(STATES, m.group(2))}: het besluit is genomen, een reactie komt te laat"
        ),
    ),
    (
        r"(\S+) already has the supplier's response \(by (\S+)\)",
        r"\1 heeft al de reactie van Opdrachtnemer (van \2)",
    ),
    (
        r"(\S+) has no culpability finding yet: a sanction is applied only when the supplier is culpable — record it first \((.+?)\) or give --finding",
        r"\1 heeft nog geen bevinding over verwijtbaarheid: een sanctie wordt alleen opgelegd als Opdrachtnemer verwijtbaar is — leg die eerst vast (\2) of geef --finding",
    ),
    (
        r"(\S+): the supplier has not been heard yet — it may respond until (\S+) \((\S+): (\S+) (.+?), (.+)\)\. Wait for the response \((.+?)\) or the end of the term, or record why the decision cannot wait \((.+?)\)$",
        lambda m: (
            f"{m.group(1)}: Opdrachtnemer is nog niet gehoord — die kan reageren tot en met {m.group(2)} "
            f"({m.group(3)}: {m.group(4)} {word(UNITS, m.group(5))}, {_clause(m.group(6))}). Wacht op de reactie "
            f"({m.group(7)}) of het einde van de termijn, of leg vast waarom het besluit niet kan wachten ({m.group(8)})"
        ),
    ),
    (r"(\S+) is not allowed for this KPI", r"\1 is niet toegestaan voor deze KPI"),
    (r"\bno sanction code proposed", "geen sanctiecode voorgesteld"),
    (
        r"S4\+ is S4 combined with one or more of S1, S2, S3, S5 \(B2 §2\.3\)",
        "S4+ is S4 samen met een of meer van S1, S2, S3, S5 (B2 §2.3)",
    ),
    (
        r"the survey outcome S4 allows S4 only \(B2 §2\.3\)",
        "de uitkomst S4 van het onderzoek staat alleen S4 toe (B2 §2.3)",
    ),
    (r" \(allowed: (.+?)\)$", r" (toegestaan: \1)"),
    (
        r"unknown sanction code (.+?): expected one of S1-S5",
        r"onbekende sanctiecode \1: verwacht een van S1-S5",
    ),
]
