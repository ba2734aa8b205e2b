"""Your calendar: a personal subscription link (.ics) to put in Outlook or any calendar, revocable by making a
new one; the feed lists the obligations and open deadlines that concern you, on every contract you are on."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from escalation_engine.accounts import calendar_links
from escalation_engine.accounts.invitations import base_url
from escalation_engine.app.calendar_feed import account_calendar
from escalation_engine.app.calendar_words import Words
from escalation_engine.core.principal import acting
from escalation_engine.core.rule_texts import localise, localise_source
from escalation_engine.web.base import Req, Site
from escalation_engine.web.labels import DEADLINES, labeller, role_labeller
from escalation_engine.web.render import LANGUAGES, gettext_for


def agenda_page(req: Req) -> Response:
    assert req.principal is not None and req.principal.account_id is not None
    link = req.request.query_params.get("link")  # shown once, right after it was made
    return req.page(
        "agenda.html",
        title=req.t("Agenda"),
        link=link,
        has_link=calendar_links.has_link(req.ctx, req.principal.account_id),
    )


def agenda_new(req: Req) -> Response:
    assert req.principal is not None and req.principal.account_id is not None
    secret = calendar_links.new_link(req.ctx, req.principal.account_id)
    return req.page(
        "agenda.html", title=req.t("Agenda"), link=f"{base_url()}/agenda/{secret}.ics", has_link=True
    )


def feed(site: Site):  # type: ignore[no-untyped-def]
    """The .ics behind a link: no sign-in (calendars cannot), the secret is the proof; 404 when revoked."""
    from starlette.concurrency import run_in_threadpool

    def answer(request: Request) -> Response:
        ctx = site.ctx()
        principal = calendar_links.resolve(ctx, request.path_params["secret"])
        if principal is None or principal.account_id is None:
            return Response("not found", status_code=404, media_type="text/plain")
        language = principal.language if principal.language in LANGUAGES else "nl"
        with acting(principal):
            body = account_calendar(ctx, principal.account_id, principal.account or "", feed_words(language))
        return Response(body, media_type="text/calendar; charset=utf-8")

    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(answer, request)

    return endpoint


def feed_words(language: str) -> Words:
    """The calendar's texts in the account's language (Dutch by default): the web's catalog, the pages'
    words for a deadline's kind and a role, the stored rules and clauses as the pages show them."""
    t = gettext_for(language).gettext
    phrases = {
        "due_by": t("Uiterlijk {day}, einde van de dag (Europe/Amsterdam)"),
        "rule": t("Regel: {rule} — {source}"),
        "owed": t("Verschuldigd door: {by}; aan: {to}"),
        "overdue": t("TE LAAT"),
        "fulfilled": t("nagekomen {day}"),
        "fulfilled_on": t("Nagekomen op {day} (kenmerk {reference})"),
        "alarm": t("Uiterlijk: {summary}"),
        "more": t("De eerste {shown} van {total} open termijnen; Mijn werk toont ze allemaal."),
    }
    return Words(
        language=language,
        phrases=phrases,
        kind=labeller(DEADLINES, t),
        role=role_labeller(t),
        rule=lambda text: localise(text, language),
        source=lambda text: localise_source(text, language),
    )
