"""In the browser too, a participant's contract manager sees only their own organisation's cases: another
organisation's escalation is not on the contract page (nor its deadline), not in the audit review or its
export, and its page answers "not found"; the category sees it everywhere."""

from __future__ import annotations

from sight_support import two_organisations
from web_support import give_password, signed_in

from escalation_engine.app.context import Ctx


def test_another_organisations_escalation_is_nowhere_on_a_participants_pages(ctx: Ctx) -> None:
    world = two_organisations(ctx)
    theirs = world["cases"]["Rechtspraak"]
    for email in ("dcm@example.org", "cat@example.org"):
        give_password(ctx, email)
    dirk, carla = signed_in(ctx, "dcm@example.org"), signed_in(ctx, "cat@example.org")
    contract = dirk.get("/contracten/LF").text
    assert "Levering Belastingdienst" in contract and "Levering Rechtspraak" not in contract
    assert f"/escalaties/{theirs}" not in contract and "Overleg RS" not in contract
    assert f"{theirs}<" not in dirk.get("/audit").text and theirs not in dirk.get("/audit.csv").text
    assert dirk.get(f"/escalaties/{theirs}").status_code == 404
    assert dirk.get(f"/plannen/{world['cases']['plan Rechtspraak']}").status_code == 404
    whole = carla.get("/contracten/LF").text
    assert "Levering Rechtspraak" in whole and "Overleg RS" in whole
    assert theirs in carla.get("/audit.csv").text
