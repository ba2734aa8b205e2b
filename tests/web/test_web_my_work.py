"""My work at the HTTP level: each open item once (an obligation from the obligations list, not a second
time as a deadline), 50 a page soonest first with the count of all of them and of the late ones, so a
supplier's account manager with many open escalations gets a page, not the whole contract."""

from __future__ import annotations

import re
from datetime import timedelta

from web_support import shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.core.principal import LOCAL, Principal, acting
from escalation_engine.procedures.ladder import actions as esc

ROW = re.compile(
    r'<a href="/(?:escalaties|plannen|verplichtingen|step-in|sancties|kpi-oordelen)/[^"]*">([A-Z]+-\d+)</a>'
)


def _open(ctx: Ctx, n: int) -> list[str]:
    with acting(Principal(auth=LOCAL, operator="test")):
        return [
            esc.open_escalation(
                ctx,
                actor_key="dcm",
                contract_key="LF",
                subject=f"Levering {i}",
                norm=None,
                participant=None,
                threatened=False,
            )["case"]
            for i in range(n)
        ]


def _count(page: str) -> tuple[int, int]:
    found = re.search(r"(\d+) open punt(?:en)?(?:, (\d+) te laat)?", page)
    assert found, "My work says how many items are open"
    return int(found.group(1)), int(found.group(2) or 0)


def test_my_work_shows_each_obligation_once(ctx: Ctx) -> None:
    shared_world(ctx)
    page = signed_in(ctx, "am@example.org").get("/?alles=1").text
    refs = ROW.findall(page)
    obligations = [ref for ref in refs if ref.startswith("OBL-")]
    assert obligations and len(obligations) == len(set(obligations))
    assert _count(page)[0] == len(refs)


def test_my_work_pages_fifty_items_at_a_time_soonest_first_and_counts_them_all(ctx: Ctx) -> None:
    shared_world(ctx)
    opened = _open(ctx, 60)
    browser = signed_in(ctx, "am@example.org")
    first = browser.get("/?alles=1").text
    total, _ = _count(first)
    on_first = ROW.findall(first)
    assert len(on_first) == 50 and 'rel="next"' in first and 'rel="prev"' not in first
    pages, number = [on_first], 2
    while 50 * (number - 1) < total:
        pages.append(ROW.findall(browser.get(f"/?alles=1&pagina={number}").text))
        number += 1
    everything = [ref for refs in pages for ref in refs]
    assert len(everything) == len(set(everything)) == total
    assert set(opened) <= set(everything)
    days = re.findall(r"<td>(\d{4}-\d{2}-\d{2})", first)
    assert days == sorted(days)


def test_my_work_counts_what_is_late(ctx: Ctx, clock) -> None:  # type: ignore[no-untyped-def]
    shared_world(ctx)
    _open(ctx, 3)
    clock.advance(timedelta(days=30))  # past the response windows (the daemon has not fired them)
    page = signed_in(ctx, "am@example.org").get("/").text
    total, late = _count(page)
    assert late >= 3 and page.count('<strong class="tag">te laat</strong>') == min(late, 50)
    other = signed_in(ctx, "oam@other.example").get("/").text
    assert "Levering" not in other
