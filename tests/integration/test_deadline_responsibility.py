"""A person's deadlines are chosen in SQL by each procedure's responsibility test, and the test says exactly
what the procedure's describer says row by row: on the demo's database (every procedure, every kind of
deadline, both contracts) with every deadline reopened, each person's SQL selection is the set of deadlines
whose describer names them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from escalation_engine.app.context import Ctx
from escalation_engine.core.db import Database
from escalation_engine.core.deadlines import count_deadlines, deadline_rows, list_deadlines
from escalation_engine.core.responsibility import responsible_filter
from escalation_engine.core.tables import OPEN_DEADLINE, Person, Timer


@pytest.fixture(scope="module")
def reopened(tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    from escalation_engine.demo.run import run_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run_demo(keep=path, echo=None)
    db = Database(f"sqlite:///{path}")
    with db.write() as session:  # every deadline the demo ever set, open again: all kinds, all stages
        session.execute(text("UPDATE timer SET status = 'pending' WHERE kind != 'reminder'"))
    return Ctx(db=db)


def _described(ctx: Ctx) -> dict[tuple[str, str], set[int]]:
    with ctx.db.read() as session:
        timers = list(session.exec(select(Timer).where(text(OPEN_DEADLINE))))
        rows = deadline_rows(ctx.registry, session, timers, ctx.clock.now())
    theirs: dict[tuple[str, str], set[int]] = {}
    for row in rows:
        for key in row["responsible"]:
            theirs.setdefault((row["contract"], key), set()).add(row["timer"])
    return theirs


def test_each_persons_deadlines_in_sql_are_exactly_those_the_describers_name(reopened: Ctx) -> None:
    ctx = reopened
    described = _described(ctx)
    kinds_seen: set[str] = set()
    with ctx.db.read() as session:
        people = [(p.contract_key, p.key) for p in session.exec(select(Person))]
        everything = {t.id for t in session.exec(select(Timer).where(text(OPEN_DEADLINE)))}
        for contract, key in people:
            query = select(Timer).where(
                text(OPEN_DEADLINE), responsible_filter(ctx.registry, session, key, contract)
            )
            chosen = list(session.exec(query))
            assert {t.id for t in chosen} == described.get((contract, key), set()), (contract, key)
            kinds_seen |= {t.subject_kind for t in chosen}
    assert kinds_seen == {"escalation", "plan", "stepin", "kpi_verdict", "sanction", "obligation"}
    assert any(0 < len(ids) < len(everything) for ids in described.values())  # the test does choose


def test_a_person_of_one_contract_gets_no_deadline_of_another(reopened: Ctx) -> None:
    with reopened.db.read() as session:
        query = select(Timer).where(responsible_filter(reopened.registry, session, "am-tp"))
        contracts = {t.contract_key for t in session.exec(query)}
        assert contracts == {"TP-2026"}
        nobody = select(Timer).where(responsible_filter(reopened.registry, session, "nobody"))
        assert list(session.exec(nobody)) == []


def test_a_page_of_a_persons_deadlines_is_read_without_describing_the_others(
    reopened: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Describing stays for the rows on the page: the account manager's first five, not every open one."""
    import escalation_engine.core.deadlines as deadlines

    described: list[int] = []
    real = deadlines.deadline_rows

    def counting(registry, session, timers, now):  # type: ignore[no-untyped-def]
        described.append(len(timers))
        return real(registry, session, timers, now)

    monkeypatch.setattr(deadlines, "deadline_rows", counting)
    rows = list_deadlines(reopened, contract_key="LF-2026", person_key="dcm", limit=5)
    assert len(rows) == 5 and all("dcm" in row["responsible"] for row in rows)
    with reopened.db.read() as session:
        open_ones = len(
            list(
                session.exec(
                    select(Timer.id).where(text(OPEN_DEADLINE), col(Timer.contract_key) == "LF-2026")
                )
            )
        )
    assert sum(described) <= 10 < open_ones


def test_every_kind_of_deadline_has_a_responsibility_test(reopened: Ctx) -> None:
    registry = reopened.registry
    registry.require_wired()
    assert set(registry.describers) == set(registry.responsibilities)


def test_a_persons_deadlines_are_chosen_on_a_context_whose_procedures_are_not_wired_yet(
    reopened: Ctx,
) -> None:
    """A digest asks for the condition before anything else touched the registry: it wires it first."""
    fresh = Ctx(db=reopened.db)
    with fresh.db.read() as session:
        query = select(Timer).where(
            text(OPEN_DEADLINE), responsible_filter(fresh.registry, session, "am", "LF-2026")
        )
        assert list(session.exec(query))


def test_a_persons_list_and_count_of_deadlines_are_exactly_those_the_describers_name(reopened: Ctx) -> None:
    """Read as disjoint terms (one per contract and subject kind, along their index): the list is the
    describers' set, soonest first, and the count and the late count agree with it — with several keys of
    one account too, and with a subject kind left out as My work leaves obligations out."""
    ctx = reopened
    described = _described(ctx)
    with ctx.db.read() as session:
        people = sorted({(p.contract_key, p.key) for p in session.exec(select(Person))})
    for contract, key in people:
        rows = list_deadlines(ctx, contract_key=contract, person_key=key)
        assert {row["timer"] for row in rows} == described.get((contract, key), set()), (contract, key)
        assert [row["due_at"] for row in rows] == sorted(row["due_at"] for row in rows)
        late = sum(1 for row in rows if row["overdue"])
        assert count_deadlines(ctx, contract_key=contract, person_key=key) == (len(rows), late)
    both = [key for contract, key in people if contract == "LF-2026"][:2]
    together = list_deadlines(ctx, contract_key="LF-2026", person_key=tuple(both))
    assert {row["timer"] for row in together} == set().union(
        *(described.get(("LF-2026", k), set()) for k in both)
    )
    without = list_deadlines(ctx, person_key="am", without_kinds=("obligation",))
    assert without and all(row["case"].split("-")[0] != "OBL" for row in without)
    assert {row["timer"] for row in without} < {row["timer"] for row in list_deadlines(ctx, person_key="am")}
    assert count_deadlines(ctx, person_key="am", without_kinds=("obligation",))[0] == len(without)


def test_a_page_of_a_persons_deadlines_merged_from_their_terms_is_the_slice_of_the_whole_list(
    reopened: Ctx,
) -> None:
    whole = list_deadlines(reopened, contract_key="LF-2026", person_key="am")
    assert len(whole) > 7
    pages = [
        list_deadlines(reopened, contract_key="LF-2026", person_key="am", limit=3, offset=n)
        for n in (0, 3, 6)
    ]
    assert [row["timer"] for page in pages for row in page] == [row["timer"] for row in whole[:9]]


def test_a_person_at_no_escalations_level_now_has_no_term_of_escalation_deadlines(reopened: Ctx) -> None:
    """Who is the counterpart of no case's latest level (and not a reminded role) gets no escalation term:
    nothing to test every open response deadline against."""
    from escalation_engine.core.responsibility import responsible_terms
    from escalation_engine.procedures.ladder.responsible import responsible

    ctx = reopened
    with ctx.db.read() as session:
        people = [(p.contract_key, p.key) for p in session.exec(select(Person))]
        outcomes = {(c, k): responsible(session, c, k) for c, k in people}
        idle = [(c, k) for (c, k), found in outcomes.items() if found is False]
        assert idle and len(idle) < len(people), outcomes
        contract, key = idle[0]
        terms = responsible_terms(ctx.registry, session, [key], contract)
        assert all(
            "escalation" not in str(term.compile(compile_kwargs={"literal_binds": True})) for term in terms
        )
    described = _described(ctx)
    with ctx.db.read() as session:
        escalations = {t.id for t in session.exec(select(Timer).where(Timer.subject_kind == "escalation"))}
    assert not (described.get((contract, key), set()) & escalations)


def test_a_subject_the_engine_composed_reads_in_dutch_and_a_typed_one_as_typed(reopened: Ctx) -> None:
    """A KPI verdict's follow-up and a sanction's hearing have no subject of their own: the engine composes
    one in English (stored words, like a rule), which a Dutch page and mail show in Dutch; an escalation's
    subject is what someone typed and stays so."""
    from escalation_engine.core.rule_texts import localise_subject

    with reopened.db.read() as session:
        timers = list(session.exec(select(Timer).where(text(OPEN_DEADLINE))))
        rows = deadline_rows(reopened.registry, session, timers, reopened.clock.now())
    composed = {row["subject"] for row in rows if row["case"].startswith(("VER-", "SAN-")) and row["subject"]}
    typed = {row["subject"] for row in rows if row["case"].startswith("ESC-") and row["subject"]}
    prefixes = {subject.split(" ")[0] for subject in composed}
    assert {"improvements", "supplier's"} <= prefixes, composed  # both kinds are in the demo
    for subject in composed:
        dutch = localise_subject(subject, "nl")
        assert dutch.startswith(("verbeteringen na ", "reactie van Opdrachtnemer op sanctie ")), dutch
        assert localise_subject(subject, "en") == subject
    assert typed and all(localise_subject(subject, "nl") == subject for subject in typed)
    from escalation_engine.core.rule_texts import localise_fields  # a Dutch mail (the digest's deadlines)

    mail = localise_fields({"deadlines": [{"subject": s} for s in sorted(composed | typed)]}, "nl")
    assert {item["subject"] for item in mail["deadlines"]} == {
        localise_subject(s, "nl") for s in composed | typed
    }
