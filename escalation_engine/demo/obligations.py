"""The obligations part of the narrated demo: derived due dates, a fulfilment, a digest."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from escalation_engine.procedures.obligations.digest_actions import send_digests
from escalation_engine.procedures.obligations.fulfil import fulfil
from escalation_engine.procedures.obligations.listing import list_obligations

if TYPE_CHECKING:
    from escalation_engine.demo.narrator import Narrator


def obligations_story(n: Narrator) -> None:
    ctx = n.ctx
    n.say("\nObligations: the contract's plans, reports and meetings were derived when it was added.")
    rows = list_obligations(ctx, contract_key="LF-2026", within_days=120, state="all")
    for row in rows:
        n.say(
            f"  {row['id']:<7} due {row['due']}  {row['status']:<9} {row['title_en']}"
            f"{' (' + row['period'] + ')' if row['period'] else ''} — {row['rule']} ({row['source'].split(' — ')[0]})"
        )
    plan = next(r for r in rows if r["obligation"] == "sr-plan")

    def approve() -> dict[str, Any]:
        data = fulfil(
            ctx,
            ref=plan["id"],
            on=date(2026, 4, 9),
            reference="akkoord PvA SR 2026-04",
            actor_key="cat",
        )
        for derived in data["derived"]:
            n.say(
                f"  derived {derived['id']} {derived['title_en']}: due {derived['due']} — {derived['rule']}"
            )
        return data

    n.step(
        f"Anna (account manager) tries to record the client's approval of her social-return plan {plan['id']}",
        lambda: fulfil(ctx, ref=plan["id"], on=date(2026, 4, 9), reference="approved", actor_key="am"),
        expect_refusal=True,
    )
    n.step(
        f"Carla records the approval of the social-return plan {plan['id']} (due {plan['due']}, late)",
        approve,
    )
    view = send_digests(ctx, person_key="am", contract_key="LF-2026", dry_run=True)[0]
    n.say(f"\nAnna's digest (dry run, {view['language']}): {view['subject']}")
    for line in view["body"].splitlines()[:12]:
        n.say(f"  │ {line}")
    n.steps.append({"step": "digest dry run", "result": {"subject": view["subject"], "items": view["items"]}})
