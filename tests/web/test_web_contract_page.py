"""The contract page's escalations filtered on one participant: the listing itself filters (in SQL), so the
pages of 50 hold only that participant's cases, the participant is named as the register does (regardless of
case and spacing), and the next page keeps the filter. The other lists show their first 50 and say when there
are more."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from web_support import shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.evaluate import evaluate_period
from escalation_engine.procedures.kpis.sanction_views import list_sanctions
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.plans import three_step
from escalation_engine.web import contracts


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    shared_world(ctx)
    yield ctx


def opened(ctx: Ctx, participants: list[str | None]) -> list[str]:
    return [
        str(
            esc.open_escalation(
                ctx,
                actor_key="cat",
                contract_key="LF",
                subject=f"Zaak {n}",
                norm=None,
                participant=who,
                threatened=False,
            )["case"]
        )
        for n, who in enumerate(participants)
    ]


def listed(html: str) -> list[str]:
    section = html.split('id="escalaties"')[1].split('id="plannen"')[0]
    return re.findall(r'<td><a href="/escalaties/(ESC-\d+)"', section)


def test_contract_page_filters_escalations_by_participant_in_the_listing(
    site: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contracts, "PAGE", 2)
    made = opened(site, ["DJI", None, "Rechtspraak", "DJI", "DJI", "Rechtspraak"])
    cat = signed_in(site, "cat@example.org")
    first = cat.get("/contracten/LF?participant=+dji+")
    assert first.status_code == 200
    assert sorted(listed(first.text)) == sorted([made[0], made[3]])
    following = re.search(r'href="(\?[^"]*pagina=2[^"]*)" rel="next"', first.text)
    assert following, "a next page of DJI's cases"
    second = cat.get("/contracten/LF" + following.group(1).replace("&amp;", "&"))
    assert listed(second.text) == [made[4]] and 'rel="next"' not in second.text
    assert listed(cat.get("/contracten/LF?participant=MinBZK").text) == []
    assert "Geen escalaties met deze filters." in cat.get("/contracten/LF?participant=Onbekend").text
    assert len(listed(cat.get("/contracten/LF").text)) == 2  # unfiltered: the first page of all six


def test_the_contract_page_says_when_a_list_has_more_than_it_shows(
    site: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat = signed_in(site, "cat@example.org")
    monkeypatch.setattr(contracts, "SHOWN", 1)
    plan = {"actor_key": "cat", "contract_key": "LF", "trigger": "collaboration", "kpi": None}
    three_step.open_plan(site, subject="Reacties duren weken", participants=["DJI"], **plan)  # type: ignore[arg-type]
    assert "Er zijn meer open verbeterplannen" not in cat.get("/contracten/LF").text
    three_step.open_plan(site, subject="Facturen kloppen niet", participants=["DJI"], **plan)  # type: ignore[arg-type]
    page = cat.get("/contracten/LF").text
    assert "Er zijn meer open verbeterplannen; hier staan de eerste 1." in page
    assert "Reacties duren weken" in page and "Facturen kloppen niet" not in page

    for who in ("DJI", "MinBZK"):
        kpis.record(
            site,
            actor_key="cat",
            contract_key="LF",
            kpi="delivery",
            period="2026-02",
            value="90",
            participant=who,
        )
    evaluate_period(site, actor_key="cat", contract_key="LF", period="2026-02")
    sanctions = len(list_sanctions(site, contract_key="LF"))
    assert sanctions >= 2
    monkeypatch.setattr(contracts, "SHOWN", sanctions)
    assert "Er zijn meer sancties" not in cat.get("/contracten/LF").text
    monkeypatch.setattr(contracts, "SHOWN", sanctions - 1)
    assert f"Er zijn meer sancties; hier staan de nieuwste {sanctions - 1}." in cat.get("/contracten/LF").text
