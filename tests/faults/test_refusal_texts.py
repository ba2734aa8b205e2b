"""Refusals and the rules they cite speak the contract's language: no message, rule or source of the engine
or of a shipped profile names SPEC or DESIGN (documents the product does not ship); a refusal says what
to do next where that helps. The authority tables check every refusal they provoke the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from refusal_texts import INTERNAL, cites_internal_documents
from support import register

from escalation_engine.app.context import Ctx
from escalation_engine.core.errors import RuleRefused
from escalation_engine.procedures.ladder import actions as esc

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*(ROOT / "escalation_engine").rglob("*.py"), *(ROOT / "workflows").glob("*.yaml")])


def test_no_source_text_or_shipped_profile_cites_spec_or_design() -> None:
    assert len(SHIPPED) > 100
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SHIPPED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INTERNAL.search(line)
    ]
    assert found == []


def test_closing_an_escalation_whose_level_was_not_assessed_says_to_record_the_assessment_first(
    ctx: Ctx,
) -> None:
    register(ctx)
    case = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="s",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    closing = {"measures": "m", "results": "r", "lessons": "l"}
    with pytest.raises(RuleRefused, match="wait for the account_manager's response") as waiting:
        esc.close(ctx, actor_key="dcm", ref=case, **closing)
    esc.respond(ctx, actor_key="am", ref=case, text="on it")
    with pytest.raises(RuleRefused, match="record the assessment first .escalation assess") as responded:
        esc.close(ctx, actor_key="dcm", ref=case, **closing)
    for refusal in (waiting.value, responded.value):
        assert refusal.source == "B2 §5.1" and not cites_internal_documents(refusal)
    esc.assess(ctx, actor_key="dcm", ref=case, sufficient=True, reason="fixed")
    assert esc.close(ctx, actor_key="dcm", ref=case, **closing)["state"] == "closed"
