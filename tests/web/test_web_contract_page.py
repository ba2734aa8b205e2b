"""The contract page's escalations filtered on one participant: the listing itself filters (in SQL), so the
pages of 50 hold only that participant's cases, the participant is named as the register does (regardless of
case and spacing), and the next page keeps the filter."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from web_support import shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.procedures.ladder import actions as esc
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
