"""Ending a level or a case: the recipient does not accept it (B2 §5.1), the raising side closes it.

Both are actions of the ladder like the others in `actions.py`, which lists all six."""

from __future__ import annotations

from typing import Any

from escalation_engine.core.context import Ctx
from escalation_engine.core.errors import RuleRefused
from escalation_engine.core.machine import fire
from escalation_engine.core.refs import require_lines
from escalation_engine.procedures.ladder.case import (
    address,
    cancel_and_touch,
    check_recipient,
    load,
    refuse_if_finished,
    require_role,
    tell_raisers,
    write_audit,
)
from escalation_engine.procedures.ladder.machine import (
    EscState,
    EscTrigger,
    escalation_machine,
)
from escalation_engine.procedures.ladder.rules import ClosureText, check_closure
from escalation_engine.procedures.ladder.views import escalation_view


def refuse(ctx: Ctx, *, actor_key: str | None, ref: str, reason: str) -> dict[str, Any]:
    """The recipient does not accept the escalation (B2 §5.1): back to the previous level, or ended at level 1."""
    reason = require_lines(reason, "reason")
    now = ctx.clock.now()
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = loaded.person(actor_key)
        spec = loaded.ladder.level(loaded.row.level)
        check_recipient(actor, spec.counterpart, spec.name, spec.source)
        before, refused_level = loaded.row.state, loaded.row.level
        loaded.row.state = fire(
            escalation_machine(), loaded.model(), EscTrigger.REFUSE, rule="refuse", source=spec.source
        )
        record = loaded.current()
        record.refused_at, record.refused_by, record.refusal_reason = now, actor.key, reason
        cancel_and_touch(loaded, now)
        if loaded.row.state == EscState.REFUSED.value:
            loaded.row.closed_at = now
        else:
            loaded.row.level = refused_level - 1
            raiser = loaded.person(record.raised_by)
            address(
                ctx,
                loaded,
                level=refused_level - 1,
                actor=raiser,
                reason=f"refused at level {refused_level} by {actor.name}: {reason}",
                now=now,
            )
        tell_raisers(
            loaded,
            key=f"esc:{loaded.row.id}:L{refused_level}:a{record.attempt}:refused",
            now=now,
            kind="escalation_refused",
            actor=f"{actor.name} ({actor.role})",
            level_name=spec.name,
            reason=reason,
        )
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.refuse",
            before=before,
            reason=reason,
            payload={"refused_level": refused_level},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def close(
    ctx: Ctx, *, actor_key: str | None, ref: str, measures: str, results: str, lessons: str
) -> dict[str, Any]:
    now = ctx.clock.now()
    closure = ClosureText(measures=measures or "", results=results or "", lessons=lessons or "")
    with ctx.db.write() as session:
        loaded = load(session, ref)
        actor = loaded.person(actor_key)
        refuse_if_finished(loaded)
        check_closure(closure, loaded.ladder.source)
        allowed = sorted(
            {r for n in range(1, loaded.row.level + 1) for r in loaded.ladder.level(n).raised_by}
        )
        require_role(
            actor,
            allowed,
            "an escalation is closed by the raising side",
            rule="closure with measures, results and lessons learned, by the raising side",
            source=loaded.ladder.source,
        )
        _require_assessed(loaded)
        before = loaded.row.state
        loaded.row.state = fire(
            escalation_machine(),
            loaded.model(),
            EscTrigger.CLOSE,
            rule="closure text complete",
            source=loaded.ladder.source,
            closure=closure,
        )
        row = loaded.row
        row.measures, row.results, row.lessons, row.closed_at = (
            closure.measures,
            closure.results,
            closure.lessons,
            now,
        )
        cancel_and_touch(loaded, now)
        write_audit(
            ctx,
            loaded,
            now=now,
            actor=actor,
            action="escalation.close",
            before=before,
            payload={"measures": measures, "results": results, "lessons": lessons},
        )
        return escalation_view(loaded.row, loaded.levels, loaded.profile, now)


def _require_assessed(loaded: Any) -> None:
    """A case is closed after its current level was assessed; the refusal says what to do first."""
    state, ref, level = loaded.row.state, loaded.ref, loaded.row.level
    if state not in ("addressed", "responded", "no_response"):
        return
    assess = f"escalation assess {ref} --sufficient|--insufficient --reason …"
    if state == "addressed":
        counterpart = loaded.ladder.level(level).counterpart
        step = (
            f"wait for the {counterpart}'s response or the end of its response window, and record the "
            f"assessment ({assess}) before closing"
        )
    else:
        step = f"record the assessment first ({assess}), then close it"
    raise RuleRefused(
        f"{ref} cannot be closed yet: level {level} has not been assessed — {step}",
        rule="a case is closed after its level was assessed",
        source=loaded.ladder.level(level).source,
    )
