"""Accounts on SQLite and PostgreSQL: one account per person, proven principals, tokens, visibility, sign-in,
invitations and the audit trail that names who acted and how."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select
from support import at, register

from escalation_engine.accounts.admin import make_shared
from escalation_engine.accounts.passwords import set_password, sign_in
from escalation_engine.accounts.tables import AccountToken
from escalation_engine.accounts.tokens import authenticate, create_token, list_tokens, revoke_token
from escalation_engine.app.context import Ctx
from escalation_engine.app.invitations import invite
from escalation_engine.app.registration import add_contract, add_person
from escalation_engine.core import audit
from escalation_engine.core.clock import FixedClock
from escalation_engine.core.errors import BadInput, NotFound, RuleRefused
from escalation_engine.core.principal import LOCAL, Principal, acting
from escalation_engine.core.tables import Account, Outbox, Person
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.ladder.queries import list_escalations, show_escalation


def _shared(ctx: Ctx) -> Principal:
    """LF registered with its people (local), then the database made shared with cat as administrator."""
    register(ctx)
    token = make_shared(ctx, admin_email="cat@example.org", name="Carla")["token"]
    return authenticate(ctx, token)


def _token_of(ctx: Ctx, admin: Principal, email: str) -> Principal:
    with acting(admin):
        secret = create_token(ctx, email=email, expires=None)["token"]
    return authenticate(ctx, secret)


def test_a_person_on_two_contracts_is_one_account(ctx: Ctx) -> None:
    register(ctx)
    add_contract(
        ctx,
        key="LF2",
        profile_name="leasefietsen-rijk",
        title="Tweede",
        start=date(2026, 1, 1),
        award=None,
        actor="t",
    )
    add_person(
        ctx,
        key="anna",
        contract_key="LF2",
        name="Anna Smit",
        side="supplier",
        role="account_manager",
        organisation=None,
        email="AM@example.org",
        actor="t",
    )
    with ctx.db.read() as session:
        accounts = session.exec(select(Account).where(Account.email == "am@example.org")).all()
        members = session.exec(select(Person).where(Person.email == "am@example.org")).all()
    assert len(accounts) == 1 and {p.contract_key for p in members} == {"LF", "LF2"}
    assert {p.account_id for p in members} == {accounts[0].id}


@pytest.mark.parametrize(
    "email", ["a2@example.org, boss2@attacker.org", "a@b", "x\r\nBcc: y@z.org", "no-at-sign"]
)
def test_an_email_that_is_not_one_mailbox_is_refused_and_nothing_is_added(ctx: Ctx, email: str) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="e-mail"):
        add_person(
            ctx,
            key="x",
            contract_key="LF",
            name="X",
            side="supplier",
            role="account_manager",
            organisation=None,
            email=email,
            actor="t",
        )
    with ctx.db.read() as session:
        assert session.exec(select(Person).where(Person.key == "x")).first() is None


def test_impersonation_is_refused_for_a_signed_in_account(ctx: Ctx) -> None:
    admin = _shared(ctx)
    supplier = _token_of(ctx, admin, "am@example.org")
    dcm = _token_of(ctx, admin, "dcm@example.org")
    with acting(dcm):
        case = esc.open_escalation(
            ctx,
            actor_key=None,
            contract_key="LF",
            subject="Levering",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    with acting(supplier), pytest.raises(RuleRefused, match="you act as yourself only"):
        esc.respond(ctx, actor_key="sm", ref=case, text="as someone else")
    with acting(supplier):
        assert esc.respond(ctx, actor_key=None, ref=case, text="we deliver")["state"] == "responded"
    rows = audit.listing(ctx.db, case_ref=case)
    assert [(r["actor"], r["account"], r["auth"]) for r in rows] == [
        ("dcm", "dcm@example.org", "token"),
        ("am", "am@example.org", "token"),
    ]


def test_a_revoked_or_expired_token_is_refused(ctx: Ctx, clock: FixedClock) -> None:
    admin = _shared(ctx)
    with acting(admin):
        lasting = create_token(ctx, email="am@example.org", expires=None)
        short = create_token(ctx, email="am@example.org", expires=date(2026, 3, 10))
        revoke_token(ctx, ident=lasting["id"])
    with pytest.raises(RuleRefused, match="not valid"):
        authenticate(ctx, lasting["token"])
    assert authenticate(ctx, short["token"]).account == "am@example.org"
    clock.set(at("2026-03-11", 9))
    with pytest.raises(RuleRefused, match="not valid"):
        authenticate(ctx, short["token"])
    with pytest.raises(RuleRefused, match="not valid"):
        authenticate(ctx, "ee_" + "x" * 43)
    with acting(admin):
        states = {t["id"]: t["state"] for t in list_tokens(ctx, email="am@example.org")}
    assert states == {lasting["id"]: "revoked", short["id"]: "expired"}


def test_tokens_are_stored_only_as_hashes(ctx: Ctx) -> None:
    admin = _shared(ctx)
    with acting(admin):
        secret = create_token(ctx, email="am@example.org", expires=None)["token"]
    with ctx.db.read() as session:
        stored = [t.token_hash for t in session.exec(select(AccountToken))]
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_one_supplier_cannot_read_or_act_on_another_suppliers_contract(ctx: Ctx) -> None:
    admin = _shared(ctx)
    with acting(admin):
        add_contract(
            ctx,
            key="OTHER",
            profile_name="leasefietsen-rijk",
            title="Ander",
            start=date(2026, 1, 1),
            award=None,
            actor="admin",
        )
        for key, side, role in (
            ("p", "participant", "participant_contract_manager"),
            ("o", "supplier", "account_manager"),
        ):
            add_person(
                ctx,
                key=key,
                contract_key="OTHER",
                name=key,
                side=side,
                role=role,
                organisation=None,
                email=f"{key}@other.example",
                actor="admin",
            )
    other = _token_of(ctx, admin, "p@other.example")
    with acting(other):
        hidden = esc.open_escalation(
            ctx,
            actor_key=None,
            contract_key="OTHER",
            subject="Geheim",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    supplier = _token_of(ctx, admin, "am@example.org")
    with acting(supplier):
        assert [e["contract"] for e in list_escalations(ctx, state="all")] == []
        with pytest.raises(NotFound):
            show_escalation(ctx, hidden)
        with pytest.raises(NotFound):
            esc.respond(ctx, actor_key=None, ref=hidden, text="not mine")
        with pytest.raises(NotFound):
            list_escalations(ctx, contract_key="OTHER")
        assert all(r["contract_key"] != "OTHER" for r in audit.listing(ctx.db))
    with acting(admin):
        assert [e["case"] for e in list_escalations(ctx, state="all")] == [hidden]


def test_a_participants_contract_manager_sees_only_their_own_organisations_cases(ctx: Ctx) -> None:
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
    other = _token_of(ctx, admin, "dcm2@example.org")
    dirk = _token_of(ctx, admin, "dcm@example.org")
    with acting(other):
        esc.open_escalation(
            ctx,
            actor_key=None,
            contract_key="LF",
            subject="RWS",
            norm=None,
            participant="Rechtspraak",
            threatened=False,
        )
    with acting(dirk):
        esc.open_escalation(
            ctx,
            actor_key=None,
            contract_key="LF",
            subject="BD",
            norm=None,
            participant="Belastingdienst",
            threatened=False,
        )
        assert [e["subject"] for e in list_escalations(ctx)] == ["BD"]
    with acting(_token_of(ctx, admin, "am@example.org")):
        assert sorted(e["subject"] for e in list_escalations(ctx)) == ["BD", "RWS"]


def test_only_an_administrator_registers_contracts_and_people_on_a_shared_database(ctx: Ctx) -> None:
    admin = _shared(ctx)
    supplier = _token_of(ctx, admin, "am@example.org")
    with acting(supplier), pytest.raises(RuleRefused, match="only an administrator"):
        add_contract(
            ctx,
            key="X",
            profile_name="leasefietsen-rijk",
            title="X",
            start=date(2026, 1, 1),
            award=None,
            actor="x",
        )
    with acting(supplier), pytest.raises(RuleRefused, match="only an administrator"):
        invite(
            ctx,
            email="new@example.org",
            contract_key="LF",
            side="supplier",
            role="account_manager",
            organisation=None,
            name=None,
        )
    with (
        acting(Principal(auth=LOCAL, operator="root")),
        pytest.raises(RuleRefused, match="only an administrator"),
    ):
        add_person(
            ctx,
            key="y",
            contract_key="LF",
            name="Y",
            side="supplier",
            role="account_manager",
            organisation=None,
            email=None,
            actor="y",
        )


def _invitation(ctx: Ctx, admin: Principal, email: str) -> str:
    with acting(admin):
        invite(
            ctx,
            email=email,
            contract_key="LF",
            side="supplier",
            role="service_manager",
            organisation="FietsLease BV",
            name="Nina",
        )
    with ctx.db.read() as session:
        mail = session.exec(select(Outbox).where(Outbox.recipient_email == email)).one()
    assert "Uitnodiging" in mail.subject and "72 uur" in mail.body
    return mail.body.split("/uitnodiging/")[1].split()[0]


def test_an_invitation_link_sets_the_password_once_and_expires_after_72_hours(
    ctx: Ctx, clock: FixedClock
) -> None:
    admin = _shared(ctx)
    link = _invitation(ctx, admin, "nina@example.org")
    with pytest.raises(BadInput, match="at least 12"):
        set_password(ctx, link_secret=link, password="short")
    assert set_password(ctx, link_secret=link, password="correct horse battery") == "nina@example.org"
    with pytest.raises(RuleRefused, match="not valid any more"):
        set_password(ctx, link_secret=link, password="another long password")
    principal = sign_in(ctx, email="Nina@example.org", password="correct horse battery").principal
    assert principal is not None and principal.auth == "password"
    late = _invitation(ctx, admin, "late@example.org")
    clock.set(clock.now() + timedelta(hours=72, seconds=1))
    with pytest.raises(RuleRefused, match="not valid any more"):
        set_password(ctx, link_secret=late, password="correct horse battery")


def test_repeated_failed_sign_ins_slow_down_then_lock_the_account_and_are_audited(
    ctx: Ctx, clock: FixedClock
) -> None:
    admin = _shared(ctx)
    set_password(
        ctx, link_secret=_invitation(ctx, admin, "nina@example.org"), password="correct horse battery"
    )
    answers = [sign_in(ctx, email="nina@example.org", password="wrong guess nr 1") for _ in range(5)]
    assert [a.delay_s for a in answers] == [0.0, 0.0, 1.0, 2.0, 4.0]
    assert answers[-1].locked_until is not None
    locked = sign_in(ctx, email="nina@example.org", password="correct horse battery")
    assert locked.principal is None and locked.locked_until is not None
    actions = [r["action"] for r in audit.listing(ctx.db) if r["actor"] == "nina@example.org"]
    assert actions.count("account.signin.failed") == 4 and actions.count("account.locked") == 1
    clock.set(clock.now() + timedelta(minutes=16))
    assert sign_in(ctx, email="nina@example.org", password="correct horse battery").principal is not None


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(ctx: Ctx) -> None:
    _shared(ctx)
    answer = sign_in(ctx, email="nobody@example.org", password="whatever password")
    assert answer.principal is None and answer.locked_until is None


def test_audit_rows_of_the_local_operator_name_the_os_user_and_the_person_acted_for(ctx: Ctx) -> None:
    register(ctx)
    with acting(Principal(auth=LOCAL, operator="jdoe")):
        case = esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="S",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    row = audit.listing(ctx.db, case_ref=case)[0]
    assert (row["actor"], row["auth"], row["operator"], row["account"]) == ("dcm", "local", "jdoe", None)
    assert audit.verify(ctx.db).ok


def test_a_person_on_two_contracts_gets_one_digest_listing_both(ctx: Ctx, clock: FixedClock) -> None:
    from escalation_engine.core.timers import process_due

    register(ctx)
    add_contract(
        ctx,
        key="LF2",
        profile_name="leasefietsen-rijk",
        title="Tweede",
        start=date(2026, 1, 1),
        award=None,
        actor="t",
    )
    add_person(
        ctx,
        key="anna",
        contract_key="LF2",
        name="Anna Smit",
        side="supplier",
        role="account_manager",
        organisation=None,
        email="am@example.org",
        actor="t",
    )
    clock.set(at("2026-04-06", 9))  # a Monday after the weekly digest time
    process_due(ctx)
    with ctx.db.read() as session:
        mails = session.exec(
            select(Outbox).where(
                Outbox.recipient_email == "am@example.org", col(Outbox.idempotency_key).startswith("digest:")
            )
        ).all()
    monday = [m for m in mails if "2026-04-06" in m.idempotency_key]
    assert len(monday) == 1
    assert "contract LF (" in monday[0].body and "contract LF2 (" in monday[0].body


@pytest.mark.parametrize("name", ["Anna\r\nBcc: boss@attacker.org", "Anna\x00", "\u202eanna", "Anna\tSmit"])
def test_a_name_that_could_break_a_mail_header_is_refused_and_nothing_is_added(ctx: Ctx, name: str) -> None:
    register(ctx)
    with pytest.raises(BadInput, match="one line of text"):
        add_person(
            ctx,
            key="x",
            contract_key="LF",
            name=name,
            side="supplier",
            role="account_manager",
            organisation=None,
            email="x@example.org",
            actor="t",
        )
    with ctx.db.read() as session:
        assert session.exec(select(Account).where(Account.email == "x@example.org")).first() is None
