"""Every notice is a kind with Jinja2 templates in Dutch and English, rendered in the person's language.

`NOTICE_KINDS` names each kind and the fields its templates use (besides `contract`, `case`, `name` and
`link`, which every notice gets); a test renders every kind in both languages, so a kind without templates
fails. A person's language is their digest setting (`digest settings --language`), else their contract
profile's digest language, else Dutch — the same source of truth the digests use. `link` is where to act:
ESCALATION_ENGINE_BASE_URL + the case's page (`refs.WEB_PAGES`: /escalaties/ESC-n, /plannen/PLAN-n,
/step-in/STEP-n, /sancties/SAN-n, /kpi-oordelen/VER-n, /verplichtingen/OBL-n; anything else links to its
contract's page /contracten/KEY), empty without a base URL.
A rule or an explanation among the values (stored in English) is shown in the notice's language
(`rule_texts.localise_fields`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from sqlmodel import Session

from escalation_engine.core.notices import Recipient, notify
from escalation_engine.core.refs import web_path
from escalation_engine.core.rule_texts import localise_fields
from escalation_engine.core.texts import render

DEFAULT_LANGUAGE = "nl"
_DEADLINE = ("due", "rule", "source")  # the last day, its rule and its clause

NOTICE_KINDS: dict[str, tuple[str, ...]] = {
    # the escalation ladder (B2 §5.1, TP §3)
    "escalation_addressed": (
        "actor",
        "level_name",
        "counterpart",
        "level_source",
        "subject",
        "reason",
        *_DEADLINE,
    ),
    "escalation_responded": ("actor", "level_name", "late", "text"),
    "escalation_refused": ("actor", "level_name", "reason"),
    "escalation_no_response": ("who", "subject", "level", *_DEADLINE),
    "escalation_reminder": ("who", "subject", "level", "days_left", *_DEADLINE),
    # improvement plans: the three-step plan (B2 §5.2) and the 14-day plan after a norm failure (TP §2.1.2)
    "plan_submitted": ("actor", "kpi", "late", "text", *_DEADLINE),
    "plan_accepted": ("actor", "kpi", "reason"),
    "plan_required": ("rejected_by", "rejection", "kpi", "subject", *_DEADLINE),
    "plan_overdue": ("kpi", "every_days", *_DEADLINE),
    "plan_reminder": ("kpi", "subject", "days_left", *_DEADLINE),
    "plan_window_started": ("subject", "step_source", *_DEADLINE),
    "plan_window_reminder": ("subject", *_DEADLINE),
    "plan_due_for_step3": ("subject", *_DEADLINE),
    "plan_step3_requested": ("actor", "subject", "reason", "source"),
    "plan_presentation_reminder": ("requested", "subject", "rule", "source"),
    "plan_presented": ("actor", "presented_on", "subject", "steps", "source"),
    # step-in rights (B2 §6)
    "stepin_requested": ("actor", "step_source", "problems", "escalations", *_DEADLINE),
    "stepin_dialogue": ("problems", "source"),
    "stepin_meeting_held": (
        "actor",
        "number",
        "held",
        "late",
        "minutes",
        "attendees",
        "measures",
        *_DEADLINE,
    ),
    "stepin_meeting_missed": ("number", *_DEADLINE),
    "stepin_check_missed": ("second_due", *_DEADLINE),
    "stepin_second_meeting_required": ("due", "source"),
    "stepin_assessed": ("actor", "reason", "due", "source"),
    "stepin_advice": ("actor", "number", "measures", "due", "source"),
    "stepin_advice_due_passed": ("number", "measures", "due", "source"),
    "stepin_closed": ("actor", "before", "results"),
    "stepin_reminder": ("stage", "days_left", *_DEADLINE),
    # KPI evaluations, sanctions heard first (B2 §5) and the waiting-room clause (TP §2.1.2)
    "kpi_norm_missed": ("kpi", "period", "explanation", "source"),
    "kpi_improvement_reminder": _DEADLINE,
    "kpi_improvement_overdue": ("explanation", *_DEADLINE),
    "sanction_case_opened": ("kpi", "period", "explanation", "allowed", "source"),
    "sanction_proposed": ("codes", "culpability", *_DEADLINE),
    "sanction_response_reminder": ("codes", "days_left", *_DEADLINE),
    "waiting_room_termination_right": ("explanation", "evidence", "source"),  # evidence: one dict a month
    # the obligations calendar (B2 §2.1): reminders and overdue; item = the obligation's view (id, title,
    # title_en, period, due, owed_by, owed_to, rule, source); what = "reminder" or "overdue"
    "obligation_notice": ("what", "item", "days_left", "escalation"),
    # the periodic digest per person (B2 §2.1, §5.1): title = the contract's; overdue and soon = obligation
    # views (as in obligation_notice, plus mine and days); deadlines = `deadlines` rows, a failed one flagged;
    # operator = for an administrator, every dead timer (`timers failed` rows) and failed notice, else None
    "digest": (
        "title",
        "today",
        "frequency",
        "horizon",
        "overdue",
        "soon",
        "deadlines",
        "deadlines_total",
        "operator",
    ),
}

_PREFERENCE = text(
    "SELECT c.profile_json, p.language FROM contract c LEFT JOIN digest_preference p"
    " ON p.contract_key = c.key AND p.person_key = :person WHERE c.key = :contract"
)
_PROFILE_LANGUAGE: dict[str, str] = {}  # profile JSON text → its digest language (parsed once per text)


def language_of(session: Session, contract_key: str, person_key: str) -> str:
    """The person's language: their digest setting, else the profile's digest language, else Dutch."""
    cache: dict[tuple[str, str], str] = session.info.setdefault("escalation_engine.languages", {})
    found = cache.get((contract_key, person_key))
    if found is None:
        row = (
            session.connection()
            .execute(_PREFERENCE, {"contract": contract_key, "person": person_key})
            .first()
        )
        found = DEFAULT_LANGUAGE if row is None else row[1] or _profile_language(row[0])
        cache[(contract_key, person_key)] = found
    return found


def _profile_language(profile_json: str | None) -> str:
    if not profile_json:
        return DEFAULT_LANGUAGE
    language = _PROFILE_LANGUAGE.get(profile_json)
    if language is None:
        spec = json.loads(profile_json)
        language = ((spec.get("obligations") or {}).get("digest") or {}).get("language") or DEFAULT_LANGUAGE
        _PROFILE_LANGUAGE[profile_json] = language
    return language


def link_to(case: str | None, contract_key: str) -> str:
    """Where to act: the case's page in the web application, else the contract's page (empty without a base URL)."""
    base = os.environ.get("ESCALATION_ENGINE_BASE_URL", "").rstrip("/")
    if not base:
        return ""
    page = web_path(case)
    return f"{base}{page}" if page else f"{base}/contracten/{quote(contract_key, safe='')}"


def link_to_work() -> str:
    """My work in the web application: everything open of the signed-in person (empty without a base URL)."""
    base = os.environ.get("ESCALATION_ENGINE_BASE_URL", "").rstrip("/")
    return f"{base}/" if base else ""


def render_notice(kind: str, language: str, data: dict[str, Any]) -> tuple[str, str]:
    if kind not in NOTICE_KINDS:
        raise KeyError(f"unknown notice kind {kind!r}: add it to NOTICE_KINDS with its templates")
    return render(f"notices/{kind}", language, localise_fields(data, language))


def queue_rendered(
    session: Session,
    *,
    key: str,
    now: datetime,
    person: Recipient,
    contract_key: str,
    rendered: list[tuple[str, str]],
) -> None:
    """Queue notices already rendered by `render_notice` as one message (a person's digests of several
    contracts on one day): the first subject (+ how many more), the bodies one after the other."""
    subject = rendered[0][0] if len(rendered) == 1 else f"{rendered[0][0]} (+{len(rendered) - 1})"
    body = "\n\n".join(part for _, part in rendered)
    notify(
        session,
        key=key,
        now=now,
        person=person,
        contract_key=contract_key,
        case=None,
        subject=subject,
        body=body,
    )


def send_notice(
    session: Session,
    kind: str,
    *,
    key: str,
    now: datetime,
    person: Recipient,
    contract_key: str,
    case: str | None,
    **data: Any,
) -> None:
    """Render notice `kind` in the person's language and queue it (same transaction, once per key)."""
    language = language_of(session, contract_key, person.key)
    values = {
        **data,
        "contract": contract_key,
        "case": case,
        "name": person.name,
        "link": link_to(case, contract_key),
    }
    subject, body = render_notice(kind, language, values)
    notify(
        session,
        key=key,
        now=now,
        person=person,
        contract_key=contract_key,
        case=case,
        subject=subject,
        body=body,
    )
