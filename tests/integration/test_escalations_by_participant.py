"""The escalations of one participant: `escalation list --participant` (and the contract page's filter) names
the participant as the register does, regardless of case and spacing, and filters in SQL; a participant's
contract manager sees only their own organisation's cases, and their page of the list is full because that
is SQL too (nothing is dropped after the page was read)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import event
from sqlmodel import select
from support import cli, register
from test_accounts import _shared, _token_of
from test_list_statement_counts import statements

from escalation_engine.app.context import Ctx
from escalation_engine.app.registration import add_person
from escalation_engine.core.principal import acting
from escalation_engine.core.tables import Person
from escalation_engine.procedures.ladder.actions import open_escalation
from escalation_engine.procedures.ladder.machine import OPEN_STATES
from escalation_engine.procedures.ladder.queries import list_escalations
from escalation_engine.procedures.ladder.tables import CLOSED_ESCALATION, OPEN_ESCALATION


def open_for(ctx: Ctx, participants: list[str | None], actor: str | None = "dcm") -> list[str]:
    """An escalation on LF for each participant in turn (None: of no participant), opened by `actor` (None:
    the signed-in account)."""
    return [
        str(
            open_escalation(
                ctx,
                actor_key=actor,
                contract_key="LF",
                subject=f"Case {n} of {who or 'nobody'}",
                norm=None,
                participant=who,
                threatened=False,
            )["case"]
        )
        for n, who in enumerate(participants)
    ]


def raise_to_level_two(ctx: Ctx, cases: list[str]) -> None:
    """Level 1 answered, found insufficient and raised to level 2, for each case in turn (B2 §5.1)."""
    from escalation_engine.procedures.ladder import actions as esc

    for case in cases:
        esc.respond(ctx, actor_key="am", ref=case, text="working on it")
        esc.assess(ctx, actor_key="dcm", ref=case, sufficient=False, reason="still 91 %")
        esc.raise_level(ctx, actor_key="cat", ref=case, reason="level 1 insufficient")


def subjects(rows: list[dict[str, object]]) -> list[object]:
    return [row["subject"] for row in rows]


def test_the_escalation_list_keeps_one_participants_cases_named_regardless_of_case_and_spacing(
    ctx: Ctx,
) -> None:
    register(ctx)
    made = open_for(ctx, ["Rechtspraak", None, "DJI", "Rechtspraak", "Belastingdienst", "Rechtspraak"])
    theirs = list_escalations(ctx, contract_key="LF", participant="  rechtspraak ")
    assert [row["case"] for row in theirs] == [made[0], made[3], made[5]]
    assert {row["participant"] for row in theirs} == {"Rechtspraak"}
    assert list_escalations(ctx, participant="RECHTSPRAAK") == theirs  # on any contract
    assert (
        list_escalations(ctx, contract_key="LF", participant="Rechtspraak", limit=1, offset=1) == theirs[1:2]
    )
    assert list_escalations(ctx, contract_key="LF", participant="MinBZK") == []  # registered, no case
    assert list_escalations(ctx, contract_key="LF", participant="Rechtbank") == []  # not in the register
    assert len(list_escalations(ctx, contract_key="LF", participant=" ")) == 6  # a blank filter is no filter


def test_the_participant_filter_reads_as_many_statements_at_300_cases_as_at_3(ctx: Ctx) -> None:
    register(ctx)

    def listing() -> list[dict[str, object]]:
        return list_escalations(ctx, contract_key="LF", participant="DJI", limit=50)

    open_for(ctx, ["DJI", None, "Rechtspraak"])
    small = statements(ctx, listing)
    open_for(ctx, ["DJI", None, "Rechtspraak"] * 99)
    large = statements(ctx, listing)
    assert small[0] == 1 and large[0] == 50
    assert small[1] == large[1]


def test_the_contract_page_order_puts_the_highest_level_first_across_pages_oldest_first_within_it(
    ctx: Ctx,
) -> None:
    register(ctx)
    made = open_for(ctx, ["DJI"] * 7)
    raise_to_level_two(ctx, [made[5], made[2]])
    pages = [
        list_escalations(ctx, contract_key="LF", limit=3, offset=n, highest_level_first=True)
        for n in (0, 3, 6)
    ]
    order = [(row["case"], row["level"]) for page in pages for row in page]
    assert order[:2] == [(made[2], 2), (made[5], 2)]  # on the first page, though opened late
    assert [case for case, level in order[2:]] == [m for m in made if m not in (made[2], made[5])]
    assert {level for _, level in order[2:]} == {1}
    if ctx.db.is_sqlite:
        plan = plan_of_page(ctx, state="open", highest_level_first=True)
        assert "ix_escalation_open_level" in plan and "TEMP B-TREE" not in plan, plan


def plan_of_page(ctx: Ctx, **filters: Any) -> str:
    """SQLite's plan of the statement that reads a page of 5 escalations with `filters`."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(ctx.db.engine, "before_cursor_execute", keep)
    try:
        list_escalations(ctx, contract_key="LF", limit=5, **filters)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", keep)
    query, parameters = next((s, p) for s, p in seen if s.startswith("SELECT escalation.id"))
    with ctx.db.engine.connect() as conn:
        return " ".join(
            str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", parameters)
        )


def test_a_page_of_open_closed_or_one_participants_escalations_reads_its_index_in_case_order(
    ctx: Ctx,
) -> None:
    """SQLite: a page comes from its index in id order (migration 0013), not from a scan of the contract's
    cases (the closed ones pile up) or a sort of them."""
    assert f"state IN ({', '.join(repr(s.value) for s in OPEN_STATES)})" == OPEN_ESCALATION
    assert OPEN_ESCALATION.replace(" IN ", " NOT IN ") == CLOSED_ESCALATION
    if not ctx.db.is_sqlite:
        return  # PostgreSQL plans by its own statistics; the SQL is the same
    register(ctx)
    open_for(ctx, ["DJI", None, "Rechtspraak"] * 5)
    for filters, index in (
        ({"state": "open"}, "ix_escalation_open"),
        ({"state": "closed"}, "ix_escalation_closed"),
        ({"state": "all", "participant": "DJI"}, "ix_escalation_participant"),
    ):
        plan = plan_of_page(ctx, **filters)
        assert index in plan and "TEMP B-TREE" not in plan, (filters, plan)


def test_a_participants_contract_manager_gets_a_full_page_of_their_own_organisations_cases(ctx: Ctx) -> None:
    admin = _shared(ctx)
    with acting(admin):
        add_person(
            ctx,
            key="dcm2",
            contract_key="LF",
            name="Other CM",
            side="participant",
            role="participant_contract_manager",
            organisation="Rechtspraak",
            email="dcm2@example.org",
            actor="admin",
        )
        with ctx.db.write() as session:
            dirk = session.exec(select(Person).where(Person.key == "dcm")).one()
            dirk.organisation = "Belastingdienst"
            session.add(dirk)
    with acting(_token_of(ctx, admin, "dcm2@example.org")):
        open_for(ctx, ["Rechtspraak"] * 4, actor=None)
    with acting(_token_of(ctx, admin, "dcm@example.org")):
        open_for(ctx, ["Belastingdienst", None, "Belastingdienst"], actor=None)
        page = list_escalations(ctx, contract_key="LF", limit=2)
        assert subjects(page) == ["Case 0 of Belastingdienst", "Case 1 of nobody"]  # after four hidden ones
        assert subjects(list_escalations(ctx, contract_key="LF", limit=2, offset=2)) == [
            "Case 2 of Belastingdienst"
        ]
        assert list_escalations(ctx, contract_key="LF", participant="Rechtspraak") == []
    with acting(_token_of(ctx, admin, "am@example.org")):  # the supplier sees every participant's cases
        assert len(list_escalations(ctx, contract_key="LF", participant="Rechtspraak")) == 4


def test_the_command_line_lists_the_escalations_of_one_participant(ctx: Ctx) -> None:
    register(ctx)
    made = open_for(ctx, ["DJI", None, "dji"])
    listed = cli("--json", "escalation", "list", "--participant", "Dji", db=ctx.db.url)
    assert listed.exit_code == 0, listed.output
    assert [row["case"] for row in json.loads(listed.stdout)] == [made[0], made[2]]
    table = cli("escalation", "list", "--contract", "LF", "--participant", "MinBZK", db=ctx.db.url)
    assert table.exit_code == 0 and made[0] not in table.stdout
