"""Dutch sentence patterns for the refusals of the escalation ladder (B2 §5.1), the improvement plans (B2 §5.2,
TP §2.1.1-2.1.2), step-in (B2 §6) and the obligations (see `refusal_texts`)."""

from __future__ import annotations

from typing import Any

from escalation_engine.core.refusal_texts_nl import CLOSURE, EARLIEST, PLAN_KINDS, STATES, UNITS, role, word


def _known(text: str) -> str:
    """The participants a message lists as known, or that there are none yet."""
    if text == "none registered yet":
        return "nog geen geregistreerd"
    return "bekend: " + text[len("known: ") :] if text.startswith("known: ") else text


SENTENCES: list[tuple[str, Any]] = [
    # the escalation ladder (B2 §5.1)
    (
        r"(\S+) is at the top level \((.+?)\); there is no higher level — consider step-in rights \(B2 §6\)",
        r"\1 staat op het hoogste niveau (\2); er is geen hoger niveau — overweeg de step-in-rechten (B2 §6)",
    ),
    (
        r"only the recipient at (.+?) may refuse the escalation;",
        r"alleen de ontvanger op \1 mag de escalatie weigeren;",
    ),
    (
        r"(\S+) is (\w+); nothing more can be done with it",
        lambda m: f"{m.group(1)} is {word(STATES, m.group(2))}; er kan niets meer mee worden gedaan",
    ),
    (
        r"(\S+) cannot be closed yet: level (\S+) has not been assessed — ",
        r"\1 kan nog niet worden afgesloten: niveau \2 is nog niet beoordeeld — ",
    ),
    (
        r"wait for the (\S+)'s response or the end of its response window, and record the assessment \((.+?)\) before closing",
        r"wacht op de reactie van de \1 of het einde van diens reactietermijn, en leg de beoordeling vast (\2) voordat u afsluit",
    ),
    (
        r"record the assessment first \((.+?)\), then close it",
        r"leg eerst de beoordeling vast (\1) en sluit daarna af",
    ),
    (
        r"level (\S+) does not exist on this ladder \(levels 1–(\S+)\)",
        r"niveau \1 bestaat niet op deze ladder (niveaus 1–\2)",
    ),
    (
        r"(\S+) is already at level (\S+); a raise goes to a higher level",
        r"\1 staat al op niveau \2; escaleren gaat naar een hoger niveau",
    ),
    (r"escalation to level (\S+) \((.+?)\) refused — ", r"escalatie naar niveau \1 (\2) geweigerd — "),
    (
        r"\. Go through the previous levels properly first\.$",
        ". Doorloop eerst de vorige niveaus zorgvuldig.",
    ),
    (r"\blevel (\S+) \((.+?)\) not gone through: ", r"niveau \1 (\2) niet doorlopen: "),
    (
        r"\bthe (\S+) has not responded and the response window has not passed",
        r"de \1 heeft niet gereageerd en de reactietermijn is niet verstreken",
    ),
    (r" \(it ends with (.+?), Europe/Amsterdam\)", r" (die loopt tot en met \1, Europe/Amsterdam)"),
    (
        r"\bthe raising side has not recorded an assessment of the result",
        "de escalerende kant heeft geen beoordeling van het resultaat vastgelegd",
    ),
    (
        r"\bits result was assessed as sufficient, so there is nothing to escalate",
        "het resultaat is als voldoende beoordeeld, dus er valt niets te escaleren",
    ),
    (
        r"\bit was never addressed to the (\S+) \(skipped\)",
        r"het is nooit aan de \1 voorgelegd (overgeslagen)",
    ),
    (
        r"\ba (\S+) may not raise into level (\S+) \((.+?)\);",
        r"een \1 mag niet escaleren naar niveau \2 (\3);",
    ),
    (
        r"an escalation is closed only with written communication about the measures taken, the results "
        r"achieved and the lessons learned; missing: (.+)$",
        lambda m: (
            "een escalatie wordt alleen afgesloten met een schriftelijke mededeling over de genomen "
            "maatregelen, de behaalde resultaten en de geleerde lessen; ontbreekt: "
            + ", ".join(word(CLOSURE, part) for part in m.group(1).split(", "))
        ),
    ),
    (
        r"no counterpart registered for (.+?) on contract (\S+): register a person with role (\S+) first ",
        lambda m: (
            f"geen wederpartij geregistreerd voor {m.group(1)} op contract {m.group(2)}: registreer eerst een "
            f"persoon met de rol {role(m.group(3))} "
        ),
    ),
    (r"(?<=wederpartij geregistreerd voor )level (\S+) \(", r"niveau \1 ("),
    (
        r"unknown participant (.+?) on contract (.+?) \((.*)\); register it first: ",
        lambda m: (
            f"onbekende Deelnemer {m.group(1)} op contract {m.group(2)} ({_known(m.group(3))}); registreer die eerst: "
        ),
    ),
    (
        r"you have several memberships on this contract \((.+?)\); ask an administrator to keep one",
        r"u hebt meerdere lidmaatschappen op dit contract (\1); vraag een beheerder er één te houden",
    ),
    # improvement plans (B2 §5.2, TP §2.1.1-2.1.2)
    (
        r"contract (\S+) \(profile (.+?)\) has no three-step improvement plan: its profile has no improvement_plan section",
        r"contract \1 (profiel \2) heeft geen verbeterplan in drie stappen: het profiel heeft geen sectie improvement_plan",
    ),
    (
        r"contract (\S+) \(profile (.+?)\) has no improvement plan within 14 days of a norm failure: its profile has no norm_failure_plan section",
        r"contract \1 (profiel \2) heeft geen verbeterplan binnen 14 dagen na een niet gehaalde norm: het profiel heeft geen sectie norm_failure_plan",
    ),
    (
        r"(\S+) is a (.+?); '([^']+)' belongs to the (.+)$",
        lambda m: (
            f"{m.group(1)} is een {word(PLAN_KINDS, m.group(2))}; '{m.group(3)}' hoort bij het {word(PLAN_KINDS, m.group(4))}"
        ),
    ),
    (
        r"(\S+) is (\w+); a resolved plan keeps its history but nothing more can be done",
        lambda m: (
            f"{m.group(1)} is {word(STATES, m.group(2))}; een afgerond plan behoudt zijn geschiedenis, maar er kan niets meer mee worden gedaan"
        ),
    ),
    (
        r"a finding of (\S+) lies outside the first (\S+) months of execution \((\S+) up to (\S+)\); after that the plan goes with the management report \(TP §2\.1\.1\)",
        r"een bevinding van \1 ligt buiten de eerste \2 maanden van de uitvoering (\3 tot \4); daarna hoort het plan bij de managementrapportage (TP §2.1.1)",
    ),
    (
        r"KPI (\S+) already has an open improvement plan (\S+) \(finding of (\S+)\); resolve it before recording a new 14-day plan",
        r"KPI \1 heeft al een open verbeterplan \2 (bevinding van \3); rond dat eerst af voordat u een nieuw 14-dagenplan vastlegt",
    ),
    (
        r"unknown trigger (.+?): expected one of (.+?) \(B2 §5\.2\)",
        r"onbekende aanleiding \1: verwacht een van \2 (B2 §5.2)",
    ),
    (
        r"trigger 'kpi' \(a KPI lags its target\) needs --kpi naming the KPI",
        "aanleiding 'kpi' (een KPI blijft achter bij het doel) vraagt om de naam van de KPI (--kpi)",
    ),
    (
        r"(\S+) concerns no KPI and only (\S+) participant\(s\): step 1 may only be skipped when the situation concerns one of the KPIs or more than one participant",
        r"\1 betreft geen KPI en slechts \2 Deelnemer(s): stap 1 mag alleen worden overgeslagen als de situatie een van de KPI's of meer dan één Deelnemer betreft",
    ),
    (
        r"(\S+) is in step 2 until the end of (\S+): step 3 follows only when there is no improvement within the window of (\S+) (.+?) after step 2",
        lambda m: (
            f"{m.group(1)} is in stap 2 tot en met {m.group(2)}: stap 3 volgt alleen als er binnen de termijn "
            f"van {m.group(3)} {word(UNITS, m.group(4))} na stap 2 geen verbetering is"
        ),
    ),
    (
        r"(\S+): the presentation date (\S+) lies in the future; record it once it took place",
        r"\1: de presentatiedatum \2 ligt in de toekomst; leg die vast zodra de presentatie heeft plaatsgevonden",
    ),
    (
        r"(\S+): the presentation date (\S+) lies before the category's request of (\S+)",
        r"\1: de presentatiedatum \2 ligt voor het verzoek van de Categorie van \3",
    ),
    # step-in rights (B2 §6)
    (
        r"step-in (\S+) is already running on contract (\S+) \((.+?)\); close it before requesting another",
        lambda m: (
            f"step-in {m.group(1)} loopt al op contract {m.group(2)} ({word(STATES, m.group(3))}); sluit "
            "die af voordat u een nieuwe aanvraagt"
        ),
    ),
    (
        r"escalation (\S+) belongs to contract (\S+), not (\S+)",
        r"escalatie \1 hoort bij contract \2, niet bij \3",
    ),
    (
        r"contract (\S+) \(profile (.+?)\) has no step-in rights: its profile has no step_in section",
        r"contract \1 (profiel \2) heeft geen step-in-rechten: het profiel heeft geen sectie step_in",
    ),
    (
        r"(\S+) is ([\w ]+?): binding advice follows the second management-team meeting, which has not been recorded",
        lambda m: (
            f"{m.group(1)} is {word(STATES, m.group(2))}: een dwingend advies volgt op het 2de overleg van het "
            "managementteam, dat niet is vastgelegd"
        ),
    ),
    (r"step-in needs repeated escalations: ", "step-in vraagt om herhaaldelijke escalaties: "),
    (r"; (\S+) of the named escalations count \(", r"; \1 van de genoemde escalaties tellen mee ("),
    (
        r"\)\. Name the escalations concerned, or override with a recorded reason ",
        "). Noem de betrokken escalaties, of wijk af met een vastgelegde reden ",
    ),
    (r"\bat least (\S+) escalation\(s\) of the contract", r"ten minste \1 escalatie(s) van het contract"),
    (
        r"\bthat reached the top level \((\S+)\) of the ladder",
        r"die het hoogste niveau (\1) van de ladder bereikten",
    ),
    (r"\band are not closed\b", "en niet zijn afgesloten"),
    (r"\bat level (\S+), not the top level (\S+)", r"op niveau \1, niet op het hoogste niveau \2"),
    (r"(\S+) is op niveau ", r"\1 staat op niveau "),
    (
        r"(?<=hoogste niveau )(\S+) and (closed|refused)\b",
        lambda m: f"{m.group(1)} en {word(STATES, m.group(2))}",
    ),
    (r"(\S+) is (closed|refused)(?=[;)]|$)", lambda m: f"{m.group(1)} is {word(STATES, m.group(2))}"),
    (r"\bno escalations were named \(", "er zijn geen escalaties genoemd ("),
    (
        r"a meeting is recorded once held: (\S+) is after today \((\S+)\)",
        r"een overleg wordt vastgelegd zodra het is gehouden: \1 ligt na vandaag (\2)",
    ),
    (
        r"the meeting of (\S+) cannot be before (.+?) \((\S+)\)$",
        lambda m: (
            f"het overleg van {m.group(1)} kan niet liggen voor {word(EARLIEST, m.group(2))} ({m.group(3)})"
        ),
    ),
    # obligations
    (
        r"obligation (\S+) was already fulfilled on (\S+) \(reference (.+)\)$",
        r"verplichting \1 is al nagekomen op \2 (kenmerk \3)",
    ),
    (
        r"recording the fulfilment of (.+?) is for ",
        r"het vastleggen van de nakoming van \1 is voorbehouden aan ",
    ),
    (
        r"(\S+) is not fulfilled: there is nothing to take back",
        r"\1 is niet nagekomen: er valt niets terug te nemen",
    ),
    (
        r"(\S+) was judged in verdict (\S+) \((.+?)\) on the strength of this fulfilment; the verdict stands",
        r"\1 is beoordeeld in KPI-oordeel \2 (\3) op grond van deze nakoming; het oordeel blijft staan",
    ),
    (
        r"(\S+) \((.+?)\) was derived from the fulfilment of (\S+); a fulfilment that started other obligations is not taken back",
        r"\1 (\2) is afgeleid van de nakoming van \3; een nakoming waaruit andere verplichtingen volgden, wordt niet teruggenomen",
    ),
    (
        r"no person with role (\S+) to open it",
        lambda m: f"geen persoon met de rol {role(m.group(1))} om die te openen",
    ),
    (r"unknown profile (.+?) \(available: ", r"onbekend profiel \1 (beschikbaar: "),
    (r"unknown state filter (.+?): expected one of ", r"onbekend filter op toestand \1: verwacht een van "),
    (r"unknown state (.+?): expected one of ", r"onbekende toestand \1: verwacht een van "),
]
