"""Dutch words for the rules the engine's refusals name (see `refusal_rules`): the KPIs and their verdicts
(B2 §2, TP §2.1), the sanctions (B2 §1, §5), the obligations, the accounts and the contract's register; and
the patterns for the rules composed around a name (a KPI, an action, a kind of plan, a number of months).
"""

from __future__ import annotations

from typing import Any

from escalation_engine.core.refusal_texts_nl import ACTIONS, PLAN_KINDS, alternatives

KPIS = {
    "authority: recording KPI results": "bevoegdheid: KPI-resultaten vastleggen",
    "a participant records its own results of a decentral KPI": (
        "een Deelnemer legt alleen de eigen resultaten van een decentrale KPI vast"
    ),
    "the client side's figure stands": "het cijfer van de kant van Opdrachtgever blijft staan",
    "the client side evaluates the supplier's performance": (
        "de kant van Opdrachtgever beoordeelt de prestaties van Opdrachtnemer"
    ),
    "KPIs are profile data (the profile's kpis section)": "KPI's staan in het profiel (de sectie kpis van het profiel)",
    "one result per KPI, period and participant": "één resultaat per KPI, periode en Deelnemer",
    # the term to improve after a missed norm (B2 §2.2, §2.3)
    "the category sets the term (central part)": "de Categorie stelt de termijn vast (centraal deel)",
    "a term follows a missed central norm or a survey score below 7": (
        "een termijn volgt op een niet gehaalde centrale norm of een score onder 7 in het klanttevredenheidsonderzoek"
    ),
    "one agreed term per verdict": "één afgesproken termijn per KPI-oordeel",
    "term in the future": "een termijn ligt in de toekomst",
    "the supplier shows and implements improvements": "Opdrachtnemer toont en implementeert de verbeteringen",
    "improvements follow a missed norm with a term": "verbeteringen volgen op een niet gehaalde norm met een termijn",
    "one improvement record": "verbeteringen worden één keer vastgelegd",
    # the customer-satisfaction survey (B2 §2.3)
    "the survey topics are profile data": "de onderwerpen van het klanttevredenheidsonderzoek staan in het profiel",
    "first measured after 9 months, then yearly": "eerste meting na 9 maanden, daarna jaarlijks",
    "one import per survey round": "elke ronde van het klanttevredenheidsonderzoek wordt één keer ingelezen",
    "one verdict per survey round": "één KPI-oordeel per ronde van het klanttevredenheidsonderzoek",
    # the management report and the waiting-room clause (TP §2.1.1, §2.1.2)
    "the plan is due with the next management report": "het verbeterplan gaat mee met de volgende managementrapportage",
    "waiting-room clause": "wachtkamerclausule",
    "the norm is established at the measurement moment": "de norm wordt op het meetmoment vastgesteld",
    "measurement moments in order (first miss, consecutive misses)": (
        "meetmomenten op volgorde (eerste keer niet gehaald, opeenvolgend niet gehaald)"
    ),
    "one verdict per measurement moment": "één KPI-oordeel per meetmoment",
}

SANCTIONS = {
    "the supplier is heard before a sanction is applied": "Opdrachtnemer wordt gehoord voordat een sanctie wordt opgelegd",
    "the Categorie is the sanctioner": "de Categorie legt sancties op",
    "hearing the supplier before the decision": "Opdrachtnemer wordt gehoord vóór het besluit",
    "the response comes before the decision": "de reactie komt vóór het besluit",
    "one response per sanction": "één reactie per sanctie",
    "sanctions only on culpable shortcoming": "sancties alleen bij toerekenbaar tekortschieten",
}

OBLIGATIONS = {
    "authority: the side an obligation is owed to confirms its fulfilment": (
        "bevoegdheid: de kant waaraan een verplichting verschuldigd is, bevestigt de nakoming"
    ),
    "an obligation is fulfilled once": "een verplichting wordt één keer nagekomen",
    "a fulfilment is taken back only while nothing was decided on it": (
        "een nakoming wordt alleen teruggenomen zolang er niets op is besloten"
    ),
    "escalate_as": "de rol die de escalatie opent (escalate_as van het profiel)",
}

ACCOUNTS = {
    "OIDC over HTTPS": "OIDC alleen via HTTPS",
    "a proven account": "een bewezen account",
    "accounts by invitation": "accounts alleen op uitnodiging",
    "one-time links": "een link werkt één keer",
    "one register entry per participant": "elke Deelnemer staat één keer in het register",
}

# rules composed around a name: a regular expression over the whole rule, and its Dutch
PATTERNS: list[tuple[str, Any]] = [
    (r"authority: recording KPI (\S+)", r"bevoegdheid: KPI \1 vastleggen"),
    (rf"authority: {alternatives(ACTIONS)}", lambda m: f"bevoegdheid: {ACTIONS[m.group(1)]}"),
    (
        rf"'([^']+)' only for the {alternatives(PLAN_KINDS)}",
        lambda m: f"'{m.group(1)}' alleen voor het {PLAN_KINDS[m.group(2)]}",
    ),
    (
        r"14-day plan for findings in the first (\S+) months",
        r"verbeterplan binnen 14 dagen voor bevindingen in de eerste \1 maanden",
    ),
]
