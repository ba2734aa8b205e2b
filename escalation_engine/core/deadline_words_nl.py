"""Every kind of deadline (a timer's kind) in Dutch: the words a Dutch page (`web.labels`, English in the
web's catalog) and a Dutch mail (`core.texts`, the filter `kind_nl`) give it. A kind the table lacks is
shown as the engine writes it; a test enumerates the registered timer kinds."""

from __future__ import annotations

KINDS = {
    "response_due": "reactietermijn",
    "reminder": "herinnering",
    "plan_due": "plan uiterlijk",
    "window_end": "einde termijn stap 2",
    "meeting_due": "vergadering managementteam",
    "second_meeting_due": "tweede vergadering managementteam",
    "progress_check": "beoordeling voortgang",
    "advice_due": "dwingend advies uitgevoerd",
    "obligation_due": "verplichting",
    "improvement_due": "verbeteringen uiterlijk",
    "digest_due": "overzicht",
    "digest": "overzicht",
    "obligation_horizon": "vooruitblik verplichtingen",
}


def kind_nl(what: str) -> str:
    """A deadline's kind (`response_due`, or as a list writes it, `response due`) in Dutch."""
    return KINDS.get(str(what or "").replace(" ", "_"), str(what or ""))
