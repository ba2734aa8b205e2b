"""Dutch words for the rules and explanations the engine stores in English (see `rule_texts`).

SENTENCES are regular expressions over a whole composed text (applied first, in order); PHRASES are fixed
texts — the term labels and KPI names of the shipped profiles and the rule phrases the procedures compose —
replaced longest first; WORDS are the units and small words left over (applied last).
"""

from __future__ import annotations

from typing import Any

_N = r"(\d+(?:\.\d+)?)"

SENTENCES: list[tuple[str, Any]] = [
    # KPI verdicts: delivery reliability (B2 §2.2)
    (
        rf"\(decentral\): (.+?) had {_N} % availability in (\S+), meeting the norm of >= {_N} % \(Goed\)\.",
        r"(decentraal): \1 had in \3 een beschikbaarheid van \2 % en voldoet aan de norm van >= \4 % (Goed).",
    ),
    (
        rf"\(decentral\): (.+?) had {_N} % availability in (\S+), below the norm of >= {_N} % \(Slecht\)\. "
        r"The supplier shows and implements its improvements in the following month, (\S+) \((\S+) to (\S+)\)\. "
        r"The category may apply one or more of ([S\d, ]+)\.",
        r"(decentraal): \1 had in \3 een beschikbaarheid van \2 %, onder de norm van >= \4 % (Slecht). "
        r"Opdrachtnemer toont en implementeert de verbeteringen in de volgende maand, \5 (\6 tot en met \7). "
        r"De Categorie kan een of meer van \8 toepassen.",
    ),
    (
        rf"\(central\): in (\S+) (\d+) of (\d+) participants \({_N} %\) had availability >= {_N} %; "
        rf"at least {_N} % is required, so the norm is (met|missed) \(a participant with monthly figures passes "
        r"only if every recorded month was >= 95 %, policy default\)\.",
        r"(centraal): in \1 hadden \2 van de \3 Deelnemers (\4 %) een beschikbaarheid van >= \5 %; ten minste "
        r"\6 % is vereist, dus de norm is \7 (een Deelnemer met maandcijfers voldoet alleen als elke vastgelegde "
        r"maand >= 95 % was, beleidskeuze).",
    ),
    (
        r" Below the norm: (.+?)\. The category agrees with the supplier the term within which it must improve "
        r"and may apply one or more of ([S\d, ]+)\.",
        r" Onder de norm: \1. De Categorie spreekt met Opdrachtnemer de termijn af waarbinnen die moet "
        r"verbeteren en kan een of meer van \2 toepassen.",
    ),
    (r"dus de norm is met \(een", r"dus de norm is gehaald (een"),
    (r"dus de norm is missed \(een", r"dus de norm is niet gehaald (een"),
    # one recorded value against its norm, and the KPIs judged against an obligation (B2 §2.1)
    (rf" in (\S+): {_N} % meets the norm of >= {_N} %\.", r" in \1: \2 % voldoet aan de norm van >= \3 %."),
    (rf" in (\S+): {_N} % is below the norm of >= {_N} %\.", r" in \1: \2 % ligt onder de norm van >= \3 %."),
    (
        r" due (\d{4}-\d\d-\d\d): not delivered when its day ended \(overdue\)",
        r" uiterlijk \1: niet geleverd toen de dag eindigde (te laat)",
    ),
    (r" due (\d{4}-\d\d-\d\d): not delivered", r" uiterlijk \1: niet geleverd"),
    (
        r" due (\d{4}-\d\d-\d\d): fulfilled on (\S+?), (\d+) day\(s\) late",
        r" uiterlijk \1: nagekomen op \2, \3 dag(en) te laat",
    ),
    (r" due (\d{4}-\d\d-\d\d): fulfilled on (\d{4}-\d\d-\d\d)", r" uiterlijk \1: nagekomen op \2"),
    (
        r" — NOT met: a missed PI is a failed evaluation \(B2 §2\.1\)\.",
        r" — NIET gehaald: een gemiste PI is een onvoldoende beoordeling (B2 §2.1).",
    ),
    (r"; the PI is recorded as NOT met\.", r"; de PI is vastgelegd als NIET gehaald."),
    (r"; the PI is recorded as met\.", r"; de PI is vastgelegd als gehaald."),
    (r" — met\.$", r" — gehaald."),
    (r": NOT met\.$", r": NIET gehaald."),
    (r": met\.$", r": gehaald."),
    (
        r" was due by (\S+) \((.+?)\) and no delivery is recorded: the PI is not met\.",
        r" moest uiterlijk \1 geleverd zijn (\2) en er is geen levering vastgelegd: de PI is niet gehaald.",
    ),
    (
        r" Month (\d+) of execution: the waiting-room norm \(TP §2\.1\.2\) applies to the clause; a missed "
        r"scorecard norm still requires an improvement plan \(TP §2\.1\.1, §2\.1\.2 NB\)\.",
        r" Maand \1 van de uitvoering: voor de clausule geldt de wachtkamernorm (TP §2.1.2); een gemiste "
        r"scorecardnorm vraagt nog steeds om een verbeterplan (TP §2.1.1, §2.1.2 NB).",
    ),
    (
        r" Month (\d+) of execution: the full scorecard norms apply \(TP §2\.1\.2\)\.",
        r" Maand \1 van de uitvoering: de volledige scorecardnormen gelden (TP §2.1.2).",
    ),
    # the waiting-room clause (TP §2.1.2)
    (
        r", moment month (\d+) \(quality KPIs 1-11 summed\): ",
        r", meetmoment maand \1 (kwaliteits-KPI's 1-11 opgeteld): ",
    ),
    (rf": norm missed on (.+?) \(below {_N} %\)\.", r": norm niet gehaald op \1 (onder \2 %)."),
    (r"(?<=niet gehaald op )(.+?)(?= \(onder)", lambda m: _criteria(m.group(1))),
    (rf": norm met \(all three >= {_N} %\)\.", r": norm gehaald (alle drie >= \1 %)."),
    (r": waiting-room norm at the measurement moments ", r": wachtkamernorm op de meetmomenten "),
    (r"month (\d+): met\b", r"maand \1: gehaald"),
    (r"month (\d+): missed\b", r"maand \1: niet gehaald"),
    (
        r" First miss at month (\d+): the supplier draws up an improvement plan within (\d+) days\.",
        r" Eerste keer niet gehaald in maand \1: Opdrachtnemer stelt binnen \2 dagen een verbeterplan op.",
    ),
    (
        r" Norm missed at two consecutive moments \(months (\d+) and (\d+)\): the clause may be invoked; the "
        r"client is entitled to terminate the framework agreement and continue with the runner-up\.",
        r" Norm op twee opeenvolgende momenten niet gehaald (maanden \1 en \2): de clausule kan worden "
        r"ingeroepen; Opdrachtgever mag de raamovereenkomst opzeggen en verder gaan met de nummer twee.",
    ),
    (
        r" The norm was not missed at two consecutive moments: the clause is not invoked\.",
        r" De norm is niet op twee opeenvolgende momenten gemist: de clausule wordt niet ingeroepen.",
    ),
    # the customer-satisfaction survey (B2 §2.3)
    (
        rf": response {_N} % is below the minimum of {_N} %: the survey round is not valid and judges nothing "
        r"— no verdict, no sanction\. \(Scores for information: ",
        r": respons \1 % ligt onder het minimum van \2 %: de meting is niet geldig en oordeelt niets — geen "
        r"oordeel, geen sanctie. (Scores ter informatie: ",
    ),
    (
        r"\) Hold the survey again with enough responses and import that round\.",
        r") Houd de meting opnieuw met voldoende respons en lees die ronde in.",
    ),
    (r": (\d+) topic\(s\) scored; ", r": \1 onderwerp(en) gescoord; "),
    (r"(Slecht \(< 4\)|Matig \(>= 4, < 7\)): none\b", r"\1: geen"),
    (r" Not graded \(not counted\): ", r" Niet beoordeeld (niet meegeteld): "),
    (r"Two or more scores below 4 -> proposed ", r"Twee of meer scores onder 4 -> voorgesteld: "),
    (
        r"A score below 7 and at most one below 4 -> proposed ",
        r"Een score onder 7 en hoogstens één onder 4 -> voorgesteld: ",
    ),
    (r"Every score is 7 or more -> no sanction\.", r"Elke score is 7 of hoger -> geen sanctie."),
    (
        r"S4\+: S4 combined with one or more of ([S\d, ]+), at the category's choice \(B2 §2\.3\)",
        r"S4+: S4 samen met een of meer van \1, naar keuze van de Categorie (B2 §2.3)",
    ),
    (
        r"S4: Improvements must be visible in the next customer-satisfaction survey \(KTO\)",
        r"S4: in de volgende KTO moeten verbeteringen zichtbaar zijn",
    ),
    (
        r" The category decides whether to apply it, only if the supplier is culpable \(B2 §5\)\.",
        r" De Categorie besluit of die wordt toegepast, alleen als Opdrachtnemer verwijtbaar is (B2 §5).",
    ),
    (
        rf" Response unknown: cannot check the minimum response of {_N} %\.",
        r" Respons onbekend: het minimum van \1 % kan niet worden gecontroleerd.",
    ),
    (rf" Response {_N} % meets the minimum of {_N} %\.", r" Respons \1 % haalt het minimum van \2 %."),
    (
        rf" Response {_N} % is below, survey not valid for the minimum of {_N} %\.",
        r" Respons \1 % ligt onder het minimum van \2 %: de meting is niet geldig.",
    ),
    # deadline rules the procedures compose
    (
        r"binding advice (\d+): due date set by the category",
        r"dwingend advies \1: termijn gesteld door de Categorie",
    ),
    (r"with the next (.+?), (OBL-\d+) due (\S+)$", r"met de volgende \1, \2 uiterlijk \3"),
    (r"fulfilment of (OBL-\d+) \(([^)]+)\) on (\S+)", r"nakoming van \1 (\2) op \3"),
    (
        r"award \(not recorded: contract start (\S+) stands in\)",
        r"gunning (niet vastgelegd: start van het contract \1 geldt)",
    ),
    (r"signing \(contract start (\S+) stands in\)", r"ondertekening (start van het contract \1 geldt)"),
    (r"\bcontract start (\d{4}-\d\d-\d\d)", r"start van het contract \1"),
    (r"\baward (\d{4}-\d\d-\d\d)", r"gunning \1"),
    (r"\bend of Q(\d) (\d{4})", r"einde van Q\1 \2"),
    (r"\(every (\d+) (\w+)\)", r"(elke \1 \2)"),
    (r", rolled to the next working day \((.+?)\)", r", verschoven naar de eerstvolgende werkdag (\1)"),
    (r": overdue$", r": verstreken"),
    (r"^(daily|weekly) digest at (\S+)$", r"\1 digest om \2"),
    (r"^daily digest", r"dagelijkse samenvatting"),
    (r"^weekly digest", r"wekelijkse samenvatting"),
]

_CRITERIA = {"finished": "afgerond", "satisfied": "tevredenheid", "quality": "kwaliteit"}


def _criteria(listed: str) -> str:
    """The waiting-room criteria a moment missed ("finished, quality") in Dutch."""
    return ", ".join(_CRITERIA.get(key, key) for key in listed.split(", "))


PHRASES: dict[str, str] = {
    # the waiting-room criteria (TP §2.1.2)
    "modules finished within their terms": "modules binnen hun termijnen afgerond",
    "modules carried out to the re-integrant's satisfaction (grade >= 7)": (
        "modules naar tevredenheid van de re-integrant uitgevoerd (cijfer >= 7)"
    ),
    "delivered output meeting the quality requirements": "geleverde output die aan de kwaliteitseisen voldoet",
    # term labels of the shipped profiles (workflows/*.yaml)
    "response window of the counterpart": "reactietermijn van de wederpartij",
    "improvement window after step 2": "verbetertermijn na stap 2",
    "management-team meeting convened by the supplier": "overleg van het managementteam, belegd door Opdrachtnemer",
    "problems solved 30 calendar days after the meeting": "problemen opgelost 30 kalenderdagen na het overleg",
    "second management-team meeting": "2de overleg van het managementteam",
    "the supplier's response to a proposed sanction": "reactie van Opdrachtnemer op een voorgestelde sanctie",
    "improvement plan within 14 days of the finding": "verbeterplan binnen 14 dagen na de bevinding",
    "revised improvement plan after rejection": "herzien verbeterplan na afwijzing",
    # the rule phrases the procedures compose around them
    "response window: addressed": "reactietermijn: geadresseerd",
    "management-team meeting: request": "overleg van het managementteam: verzoek",
    "progress check: meeting": "voortgangscontrole: overleg",
    "second management-team meeting: insufficient progress (or no assessment)": (
        "2de overleg van het managementteam: onvoldoende voortgang (of geen beoordeling)"
    ),
    "presentation at the category's first request": "presentatie op eerste verzoek van de Categorie",
    "the supplier is heard before the category decides": "Opdrachtnemer wordt gehoord voordat de Categorie besluit",
    "the supplier shows and implements its improvements in": "Opdrachtnemer toont en implementeert de verbeteringen in",
    "improvement term agreed by the category:": "verbetertermijn afgesproken door de Categorie:",
    "rolling obligation horizon: look ahead monthly on the contract start's anniversaries": (
        "doorlopende horizon van verplichtingen: maandelijks vooruitkijken op de verjaardagen van de start van het contract"
    ),
    "first due date +": "eerste vervaldatum +",
    "step 2 +": "stap 2 +",
    "finding +": "bevinding +",
    "rejection +": "afwijzing +",
    # KPI names of the shipped profiles
    "ISV plan of approach delivered (PI1)": "Plan van aanpak ISV geleverd (PI1)",
    "ISV yearly report, yearly milestone of the plan achieved (PI2)": (
        "Jaarrapportage ISV, jaarlijkse mijlpaal van het plan behaald (PI2)"
    ),
    "Social-return plan of approach approved and its execution started (PI1)": (
        "Plan van aanpak Social return goedgekeurd en uitvoering gestart (PI1)"
    ),
    "Social-return yearly report, yearly milestone achieved (PI2)": (
        "Jaarrapportage Social return, jaarlijkse mijlpaal behaald (PI2)"
    ),
    "Circularity PI 1 met": "Circulariteit PI 1 gehaald",
    "Circularity PI 2 met": "Circulariteit PI 2 gehaald",
    "Circularity PI 3 met": "Circulariteit PI 3 gehaald",
    "Delivery reliability — availability of the bicycle range (decentral)": (
        "Leverbetrouwbaarheid — beschikbaarheid van het fietsassortiment (decentraal)"
    ),
    "Delivery reliability — share of participants with >= 95 % availability (central)": (
        "Leverbetrouwbaarheid — aandeel Deelnemers met >= 95 % beschikbaarheid (centraal)"
    ),
    "Customer satisfaction (KTO)": "Klanttevredenheid (KTO)",
    "6-weekly interim re-integration report delivered on time": "6-wekelijkse tussenrapportage re-integratie tijdig geleverd",
    "Coaching: re-integrants satisfied with the coaching (grade >= 7)": (
        "Coaching: re-integranten tevreden over de begeleiding (cijfer >= 7)"
    ),
    "Complaints procedure: complaints handled on time": "Klachtenprocedure: klachten tijdig afgehandeld",
    "Continuous improvement: one improvement or innovation proposal approved by the Deelnemer": (
        "Continu verbeteren: één verbeter- of innovatievoorstel goedgekeurd door de Deelnemer"
    ),
    "Correct and timely invoicing (sample by the client)": "Juiste en tijdige facturatie (steekproef door Opdrachtgever)",
    "Correct and timely reports and management information": "Juiste en tijdige rapportages en managementinformatie",
    "Feasibility reports meeting the UWV guidelines": "Haalbaarheidsrapportages volgens de UWV-richtlijnen",
    "Feasibility study received within 3 weeks of the request, with documentation": (
        "Haalbaarheidsonderzoek binnen 3 weken na de aanvraag ontvangen, met documentatie"
    ),
    "File updated in the system within 3 working days of contact": "Dossier binnen 3 werkdagen na contact bijgewerkt in het systeem",
    "Introductory meeting within 15 working days of the registration form": (
        "Kennismakingsgesprek binnen 15 werkdagen na het aanmeldformulier"
    ),
    "Jobcoaching: re-integrants keep their work with growth in hours and/or tasks": (
        "Jobcoaching: re-integranten behouden hun werk met groei in uren en/of taken"
    ),
    "Jobcoaching: re-integrants satisfied with the match (grade >= 7)": (
        "Jobcoaching: re-integranten tevreden over de match (cijfer >= 7)"
    ),
    "Matching: application training completed within 3 weeks": "Matching: sollicitatietraining binnen 3 weken afgerond",
    "Matching: demonstrable weekly contact with the re-integrant": "Matching: aantoonbaar wekelijks contact met de re-integrant",
    "Matching: modules finished within 3 months": "Matching: modules binnen 3 maanden afgerond",
    "Matching: re-integrants satisfied with the match (grade >= 7)": "Matching: re-integranten tevreden over de match (cijfer >= 7)",
    "Orientation & activation: modules finished within 3 months": "Oriëntatie & activering: modules binnen 3 maanden afgerond",
    "Orientation & activation: personal and search profile delivered within 1 month": (
        "Oriëntatie & activering: persoons- en zoekprofiel binnen 1 maand geleverd"
    ),
    "Orientation & activation: profiles meeting the UWV guidelines": "Oriëntatie & activering: profielen volgens de UWV-richtlijnen",
    "Orientation & activation: re-integrants satisfied (grade >= 7)": "Oriëntatie & activering: re-integranten tevreden (cijfer >= 7)",
    "Place & train: lasting employment contracts after secondment": "Plaatsen & trainen: duurzame arbeidscontracten na detachering",
    "Place & train: modules finished within 6 months": "Plaatsen & trainen: modules binnen 6 maanden afgerond",
    "Place & train: re-integrants satisfied with the match (grade >= 7)": (
        "Plaatsen & trainen: re-integranten tevreden over de match (cijfer >= 7)"
    ),
    "Re-integration report within 2 weeks after a module ends": "Re-integratierapportage binnen 2 weken na afloop van een module",
    "Dossier": "Dossier",
}

WORDS: list[tuple[str, str]] = [
    (r"\b(\d+) calendar days\b", r"\1 kalenderdagen"),
    (r"\b(\d+) working days\b", r"\1 werkdagen"),
    (r"\b1 working day\b", r"1 werkdag"),
    (r"\b(\d+) days\b", r"\1 dagen"),
    (r"\b1 day\b", r"1 dag"),
    (r"\b(\d+) weeks\b", r"\1 weken"),
    (r"\b(\d+) months\b", r"\1 maanden"),
    (r"\b1 month\b", r"1 maand"),
    (r"\(decentral\)", r"(decentraal)"),
    (r"\(central\)", r"(centraal)"),
    (r"\bparticipants\b", r"Deelnemers"),
]
