"""Dutch words for the rules the engine's refusals name (see `refusal_rules`): the escalation ladder (B2 §5.1),
the improvement plans (B2 §5.2, TP §2.1.1-2.1.2), step-in (B2 §6), and the rules a state machine's guard
checks (`core.machine.fire`).

A rule is a short English name of what the contract requires ("no skipping: every lower level is gone
through first"); its Dutch says the same in the words of the contract documents (escalatieniveau,
verbeterplan, Deelnemer, Opdrachtnemer, Categorie, step-in, dwingend advies). A clause reference ("B2 §6")
and a profile key (`raised_by`, `step_in.threshold`, `--results`) stay as they are.
"""

from __future__ import annotations

LADDER = {
    "no skipping": "geen escalatieniveau overslaan",
    "no skipping: every lower level is gone through first": (
        "geen escalatieniveau overslaan: elk lager escalatieniveau wordt eerst doorlopen"
    ),
    "ladder levels": "de escalatieniveaus van de ladder",
    "top of the ladder": "na het hoogste escalatieniveau komt geen volgend niveau",
    "who may raise into this level (the ladder's raised_by)": (
        "wie naar dit escalatieniveau mag escaleren (raised_by van de ladder)"
    ),
    "closure with measures, results and lessons learned, by the raising side": (
        "afsluiten met de genomen maatregelen, de bereikte resultaten en de leerpunten, door de escalerende kant"
    ),
    "the person escalated to may refuse the escalation": (
        "degene naar wie wordt geëscaleerd, mag de escalatie weigeren"
    ),
    "wrong state": "verkeerde toestand",
    "same level on both sides": "communicatie bij beide Partijen op hetzelfde niveau",
    "the raising side assesses the result": "de escalerende kant beoordeelt het resultaat",
    "a case is closed after its level was assessed": (
        "een escalatie wordt afgesloten nadat het resultaat op haar escalatieniveau is beoordeeld"
    ),
    "the counterpart at the same level of the ladder": "de wederpartij op hetzelfde escalatieniveau",
}

PLANS = {
    "three-step improvement plan not in this contract": "geen verbeterplan in drie stappen in dit contract",
    "14-day improvement plan not in this contract": "geen verbeterplan binnen 14 dagen in dit contract",
    "wrong state (plan resolved)": "verkeerde toestand (verbeterplan afgerond)",
    "one open 14-day plan per KPI": "één open verbeterplan binnen 14 dagen per KPI",
    "skipping step 1: KPI or more than one participant": (
        "stap 1 overslaan: alleen bij een KPI of meer dan één Deelnemer"
    ),
    "step 3 only after the step-2 window": "stap 3 pas na de termijn van stap 2",
    "presentation recorded after it took place": "een presentatie wordt vastgelegd nadat die heeft plaatsgevonden",
    "presentation at the category's request": "presentatie op verzoek van de Categorie",
}

STEP_IN = {
    "one step-in procedure at a time": "één step-in-procedure tegelijk",
    "step-in rights are contractual (B2 §6)": "step-in-rechten volgen uit het contract (B2 §6)",
    "who may take step-in decisions (B2 §6)": "wie besluiten over step-in mag nemen (B2 §6)",
    "binding advice after the second meeting": "dwingend advies na het 2de overleg van het managementteam",
    "repeated escalations (B2 §6, the profile's step_in.threshold)": (
        "herhaaldelijke escalaties (B2 §6, step_in.threshold van het profiel)"
    ),
    "meeting held": "een overleg wordt vastgelegd als het is gehouden",
    "meeting follows the request": "het overleg volgt op het verzoek",
}

# The rules a state machine's guard checks, by the name the procedure gives `fire`: what the guard requires
# (the refusal's rule when the guard says no), and in which state the action can be taken at all (the rule
# "wrong state (…)" when the machine has no such step from the case's state). A step without a guard has
# only its state to say.
_AFTER_FINDING = (
    "een bevinding over verwijtbaarheid wordt vastgelegd zolang de sanctie op die bevinding wacht"
)
MACHINE: dict[str, tuple[str | None, str]] = {
    # the escalation ladder (ladder/machine.py)
    "lower levels gone through": (
        "elk lager escalatieniveau is eerst doorlopen",
        "escaleren kan alleen nadat het resultaat op het huidige escalatieniveau als onvoldoende is beoordeeld",
    ),
    "respond": (
        None,
        "reageren kan alleen op een aangesproken escalatie, ook nadat de reactietermijn zonder reactie is "
        "verstreken",
    ),
    "assess": (
        None,
        "beoordelen kan alleen nadat de wederpartij heeft gereageerd of de reactietermijn is verstreken",
    ),
    "refuse": (None, "weigeren kan alleen zolang de escalatie is aangesproken en er nog niet is gereageerd"),
    "closure text complete": (
        "een escalatie wordt afgesloten met de genomen maatregelen, de bereikte resultaten en de leerpunten",
        "afsluiten kan alleen nadat het resultaat als voldoende of onvoldoende is beoordeeld",
    ),
    # the three-step plan and the plan within 14 days (plans/machine.py)
    "open": (None, "openen kan alleen bij een nieuw verbeterplan"),
    "skipping step 1": (
        "stap 1 overslaan kan alleen als het om een KPI of meer dan één Deelnemer gaat",
        "stap 1 overslaan kan alleen zolang het verbeterplan in stap 1 is",
    ),
    "advance": (
        "stap 3 kan pas worden gevraagd na de verbetertermijn van stap 2",
        "naar de volgende stap gaan kan alleen vanuit stap 1 of stap 2, of als stap 3 kan worden gevraagd",
    ),
    "presentation after the request": (
        None,
        "de presentatie vastleggen kan alleen nadat de Categorie stap 3 heeft gevraagd",
    ),
    "resolve": (None, "afronden kan alleen bij een verbeterplan dat loopt"),
    "require": (None, "vereisen kan alleen bij een nieuw verbeterplan"),
    "submit": (None, "indienen kan alleen zolang het verbeterplan wordt verwacht, ook als het te laat is"),
    "accept": (None, "accepteren kan alleen bij een ingediend verbeterplan"),
    "reject": (None, "afwijzen kan alleen bij een ingediend verbeterplan"),
    # step-in (step_in/machine.py)
    "culpability": (
        "step-in alleen bij daadwerkelijke verwijtbaarheid aan Opdrachtnemer; anders gaat Opdrachtgever met "
        "Opdrachtnemer in gesprek",
        "step-in wordt aangevraagd bij een nieuwe procedure",
    ),
    "one assessment after the meeting": (
        "na het overleg van het managementteam wordt één keer beoordeeld",
        "beoordelen kan alleen na het 1ste overleg van het managementteam, zolang de voortgang wordt gevolgd of "
        "het 2de overleg wordt verwacht",
    ),
    "binding advice follows the second management-team meeting": (
        None,
        "een dwingend advies volgt op het 2de overleg van het managementteam",
    ),
    "a written result (--results)": (
        "een step-in-procedure wordt afgesloten met een schriftelijk resultaat (--results)",
        "afsluiten kan alleen bij een lopende step-in-procedure",
    ),
    "record a meeting": (
        None,
        "een overleg vastleggen kan alleen als het 1ste of het 2de overleg van het managementteam wordt verwacht",
    ),
    # a sanction (kpis/sanction_machine.py)
    "the proposed codes are allowed for the KPI": (
        "de voorgestelde codes zijn toegestaan voor de KPI",
        _AFTER_FINDING,
    ),
    "culpability finding": (None, _AFTER_FINDING),
    "category decision": (
        "de Categorie besluit over de sanctie",
        "opleggen kan alleen bij een voorgestelde sanctie, afzien zolang er niet is besloten",
    ),
}
