"""What every case page shares: the person's roles and sides on the case's contract, the case's timeline (each
row with its contract's profile, whose words a role key has), the page itself (its confirmation, refusal,
typed values and today's date), and acting on a case — the engine's action runs, a refusal is shown on the
same page (nothing written), success returns to the page with a
confirmation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import profile_names
from escalation_engine.core import audit
from escalation_engine.core.errors import BadInput, EngineError, NotFound
from escalation_engine.web.base import Req, refusal_status
from escalation_engine.web.work import memberships

Action = Callable[[Req, str], object]
Page = Callable[..., Response]


def roles_on(req: Req, contract_key: str) -> set[str]:
    """The signed-in person's roles on one contract."""
    return {p.role for p in memberships(req) if p.contract_key == contract_key}


def sides_on(req: Req, contract_key: str) -> set[str]:
    """The signed-in person's sides (client, participant, supplier) on one contract."""
    return {p.side for p in memberships(req) if p.contract_key == contract_key}


def timeline(req: Req, ref: str) -> list[dict[str, Any]]:
    """The audit trail of one case, oldest first: who, when, which role, what, why."""
    return with_profiles(req, audit.listing(req.ctx.db, case_ref=ref))


def profiles_of(req: Req, contract_keys: set[str]) -> dict[str, str]:
    """The profile name of each of these contracts."""
    with req.ctx.db.read() as session:
        return profile_names(session, contract_keys)


def with_profiles(req: Req, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each audit row with `profile`, its contract's profile name: a role key's words are the profile's (one
    key can name different people in two profiles)."""
    names = profiles_of(req, {row["contract_key"] for row in rows if row.get("contract_key")})
    for row in rows:
        row["profile"] = names.get(row.get("contract_key") or "")
    return rows


def case_page(
    req: Req, template: str, *, title: str, status: int, refusal: dict[str, Any] | None, **shown: Any
) -> Response:
    """One case's page with what its kind `shown` (the case, its forms, its timeline): "Vastgelegd." after an
    action succeeded, the refusal of one that did not with what was typed kept in the forms, and today's date
    for the date fields."""
    return req.page(
        template,
        status=status,
        title=title,
        refusal=refusal,
        done=req.t("Vastgelegd.") if req.request.query_params.get("done") else None,
        values=req.data,
        today=req.ctx.clock.now().date().isoformat(),
        **shown,
    )


def day_field(req: Req, name: str, label: str) -> Any:
    """A date typed in a form, or BadInput naming the field and the format."""
    from datetime import date

    try:
        return date.fromisoformat(req.field(name))
    except ValueError:
        raise BadInput(label + ": " + req.t("vul een datum in als JJJJ-MM-DD")) from None


def act_on(
    req: Req, actions: Mapping[str, Action], show: Callable[[str], object], page: Page, url: str
) -> Response:
    """POST /<kind>/{ref}/{action}: not found for what the person may not see or an unknown action; a
    refusal on the page (400 for bad input, 409 for a rule), a redirect to the page after success."""
    ref, action = req.request.path_params["ref"], req.request.path_params["action"]
    if action not in actions:
        raise NotFound(action)
    show(ref)
    try:
        actions[action](req, ref)
    except NotFound:
        raise
    except EngineError as exc:
        return page(req, ref, status=refusal_status(exc), refusal=exc.as_dict())
    return req.redirect(f"{url}{ref}?done=1#melding")


def triggers_from(transitions: list[dict[str, Any]], state: str) -> set[str]:
    """The triggers the procedure's machine accepts in `state` (guards aside): a form is offered only for
    what the machine could do now, read from the machine's own transition table."""
    found = set()
    for transition in transitions:
        sources = transition["source"]
        if state in (sources if isinstance(sources, list) else [sources]):
            found.add(str(transition["trigger"]))
    return found
