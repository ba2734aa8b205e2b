"""The words a page shows for the engine's codes: every state of every procedure and every kind of deadline,
in Dutch (the msgid; English in `locale/en.po`). A code without a label is shown as it is, and a test
enumerates the machines' states and the registered timer kinds, so a new one without a label fails."""

from __future__ import annotations

from collections.abc import Callable

STATES = {
    # escalation ladder (B2 §5.1)
    "addressed": "aangesproken",
    "responded": "gereageerd",
    "no_response": "geen reactie binnen de termijn",
    "sufficient": "voldoende beoordeeld",
    "insufficient": "onvoldoende beoordeeld",
    "closed": "afgesloten",
    "refused": "niet geaccepteerd",
    # improvement plans (B2 §5.2, TP §2.1.2)
    "step_1": "stap 1",
    "step_2": "stap 2",
    "step_3_due": "stap 3 kan worden gevraagd",
    "step_3_requested": "stap 3 gevraagd",
    "step_3_presented": "stap 3 gepresenteerd",
    "resolved": "afgerond",
    "awaiting_plan": "wacht op het plan",
    "overdue": "te laat",
    "submitted": "ingediend",
    "accepted": "geaccepteerd",
    # step-in rights (B2 §6)
    "new": "nieuw",
    "dialogue": "in dialoog (geen step-in)",
    "awaiting_meeting": "wacht op vergadering 1",
    "meeting_overdue": "vergadering 1 te laat",
    "monitoring": "voortgang wordt gevolgd",
    "solved": "opgelost",
    "awaiting_second_meeting": "wacht op vergadering 2",
    "second_meeting_overdue": "vergadering 2 te laat",
    "second_meeting_held": "vergadering 2 gehouden",
    "advised": "bindend advies gegeven",
    # sanctions (B2 §5)
    "awaiting_finding": "wacht op de bevinding over verwijtbaarheid",
    "proposed": "voorgesteld",
    "applied": "opgelegd",
    "waived": "afgezien",
    "not_culpable": "niet verwijtbaar",
    # obligations and list filters
    "open": "open",
    "fulfilled": "nagekomen",
    "all": "alle",
    "failed": "mislukt",
    "retrying": "wordt opnieuw geprobeerd",
}

DEADLINES = {
    "response_due": "reactietermijn",
    "reminder": "herinnering",
    "plan_due": "plan uiterlijk",
    "window_end": "einde termijn stap 2",
    "meeting_due": "vergadering managementteam",
    "second_meeting_due": "tweede vergadering managementteam",
    "progress_check": "beoordeling voortgang",
    "advice_due": "bindend advies uitgevoerd",
    "obligation_due": "verplichting",
    "improvement_due": "verbeteringen uiterlijk",
    "digest_due": "overzicht",
    "digest": "overzicht",
    "obligation_horizon": "vooruitblik verplichtingen",
}


def labeller(table: dict[str, str], gettext: Callable[[str], str]) -> Callable[[object], str]:
    """A Jinja filter: the label of a code in the page's language (`what` of a deadline comes with spaces)."""

    def label(code: object) -> str:
        key = str(code or "").replace(" ", "_")
        return gettext(table[key]) if key in table else str(code or "")

    return label
