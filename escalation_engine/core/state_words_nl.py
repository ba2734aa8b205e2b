"""The states of the procedures in Dutch: the words a page shows for a state (`web/labels.STATES`, with
the list filters' words) and a Dutch refusal names (`refusal_texts_nl`). One table, so the two never differ."""

STATES = {  # every state of every procedure, in Dutch (web/labels adds the list filters' words)
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
    "advised": "dwingend advies neergelegd",
    # sanctions (B2 §5)
    "awaiting_finding": "wacht op de bevinding over verwijtbaarheid",
    "proposed": "voorgesteld",
    "applied": "opgelegd",
    "waived": "afgezien",
    "not_culpable": "niet verwijtbaar",
    "fulfilled": "nagekomen",  # obligations
}
