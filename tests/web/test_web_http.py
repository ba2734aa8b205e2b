"""The web application at the HTTP level: sign-in, sessions and their cookie flags, CSRF, what a person may
see, refusals on the page, escaping, security headers and error pages without a trace."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from web_support import PASSWORD, csrf_of, shared_world

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.web.app import create_app


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    shared_world(ctx)
    yield ctx


def client(ctx: Ctx) -> TestClient:
    return TestClient(create_app(ctx.db, clock=ctx.clock), follow_redirects=False)


def signed_in(ctx: Ctx, email: str) -> TestClient:
    browser = client(ctx)
    page = browser.get("/aanmelden")
    answer = browser.post(
        "/aanmelden", data={"email": email, "password": PASSWORD, "next": "/", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text
    return browser


def open_case(browser: TestClient, contract: str, subject: str) -> str:
    page = browser.get(f"/contracten/{contract}")
    answer = browser.post(
        f"/contracten/{contract}/escalaties", data={"subject": subject, "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text
    found = re.search(r"/escalaties/(ESC-\d+)", answer.headers["location"])
    assert found
    return found.group(1)


def test_a_page_asks_for_sign_in_and_the_session_cookie_is_httponly_and_samesite(site: Ctx) -> None:
    browser = client(site)
    assert browser.get("/").headers["location"] == "/aanmelden?next=/"
    page = browser.get("/aanmelden")
    answer = browser.post(
        "/aanmelden",
        data={"email": "am@example.org", "password": PASSWORD, "next": "/", "csrf": csrf_of(page.text)},
    )
    cookie = answer.headers["set-cookie"]
    assert "ee_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert browser.get("/").status_code == 200


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_written(site: Ctx) -> None:
    browser = signed_in(site, "dcm@example.org")
    before = len(audit.listing(site.db))
    answer = browser.post("/contracten/LF/escalaties", data={"subject": "zonder token"})
    assert answer.status_code == 403
    answer = browser.post("/contracten/LF/escalaties", data={"subject": "vals token", "csrf": "0" * 64})
    assert answer.status_code == 403
    assert len(audit.listing(site.db)) == before


def test_a_supplier_cannot_open_another_suppliers_case_by_url(site: Ctx) -> None:
    hidden = open_case(signed_in(site, "odcm@other.example"), "OTHER", "Alleen voor OTHER")
    supplier = signed_in(site, "am@example.org")
    assert supplier.get(f"/escalaties/{hidden}").status_code == 404
    assert supplier.get("/contracten/OTHER").status_code == 404
    page = supplier.get("/contracten/LF")
    answer = supplier.post(
        f"/escalaties/{hidden}/respond", data={"text": "niet van mij", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 404
    assert hidden not in supplier.get("/audit").text


def test_the_whole_escalation_through_the_web_as_three_people(site: Ctx) -> None:
    case = open_case(signed_in(site, "dcm@example.org"), "LF", "Levering te laat")
    supplier = signed_in(site, "am@example.org")
    page = supplier.get(f"/escalaties/{case}")
    assert "Reactie vastleggen" in page.text and "Opschalen" not in page.text
    assert (
        supplier.post(
            f"/escalaties/{case}/respond", data={"text": "Extra planners", "csrf": csrf_of(page.text)}
        ).status_code
        == 303
    )
    category = signed_in(site, "cat@example.org")
    page = category.get(f"/escalaties/{case}")
    assert category.post(
        f"/escalaties/{case}/raise", data={"reason": "onvoldoende", "csrf": csrf_of(page.text)}
    ).status_code in (303, 409)
    rows = audit.listing(site.db, case_ref=case)
    assert [r["account"] for r in rows][:2] == ["dcm@example.org", "am@example.org"]
    assert all(r["auth"] == "password" for r in rows)


def test_a_refusal_is_shown_on_the_page_with_its_rule_and_nothing_is_written(site: Ctx) -> None:
    case = open_case(signed_in(site, "dcm@example.org"), "LF", "Levering")
    category = signed_in(site, "cat@example.org")
    page = category.get(f"/escalaties/{case}")
    before = len(audit.listing(site.db, case_ref=case))
    answer = category.post(
        f"/escalaties/{case}/close",
        data={"measures": "m", "results": "r", "lessons": "", "csrf": csrf_of(page.text)},
    )
    assert answer.status_code == 409
    assert (
        "Niet uitgevoerd" in answer.text and "Er is niets gewijzigd." in answer.text and "B2" in answer.text
    )
    assert len(audit.listing(site.db, case_ref=case)) == before


def test_html_and_script_in_a_subject_are_shown_as_text(site: Ctx) -> None:
    subject = '<script>alert("x")</script><b>vet</b>'
    case = open_case(signed_in(site, "dcm@example.org"), "LF", subject)
    page = signed_in(site, "am@example.org").get(f"/escalaties/{case}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>vet</b>" not in page


def test_every_page_has_a_strict_content_security_policy_and_no_inline_script(site: Ctx) -> None:
    browser = signed_in(site, "am@example.org")
    for path in ("/", "/aanmelden", "/contracten/LF", "/audit", "/toegankelijkheid", "/bestaat-niet"):
        answer = browser.get(path)
        policy = answer.headers["content-security-policy"]
        assert (
            "'unsafe-inline'" not in policy
            and "script-src 'self'" in policy
            and "frame-ancestors 'none'" in policy
        )
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in answer.text and " onclick=" not in answer.text


def test_an_internal_fault_shows_a_page_without_a_trace(site: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    from escalation_engine.web import work

    def broken(req: object) -> object:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(work, "my_items", broken)
    answer = signed_in(site, "am@example.org").get("/")
    assert (
        answer.status_code == 500 and "Traceback" not in answer.text and "secret internals" not in answer.text
    )


def test_wrong_passwords_lock_the_account_for_a_while(site: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("escalation_engine.web.signin.time.sleep", lambda seconds: None)
    browser = client(site)
    for _ in range(5):
        page = browser.get("/aanmelden")
        answer = browser.post(
            "/aanmelden",
            data={
                "email": "am@example.org",
                "password": "fout fout fout",
                "next": "/",
                "csrf": csrf_of(page.text),
            },
        )
        assert answer.status_code == 401
    assert "tijdelijk geblokkeerd" in answer.text
    page = browser.get("/aanmelden")
    answer = browser.post(
        "/aanmelden",
        data={"email": "am@example.org", "password": PASSWORD, "next": "/", "csrf": csrf_of(page.text)},
    )
    assert answer.status_code == 401


def test_sign_out_ends_the_session_on_the_server(site: Ctx) -> None:
    browser = signed_in(site, "am@example.org")
    cookie = browser.cookies.get("ee_session")
    page = browser.get("/")
    assert browser.post("/afmelden", data={"csrf": csrf_of(page.text)}).status_code == 303
    stale = client(site)
    stale.cookies.set("ee_session", cookie or "")
    assert stale.get("/").status_code == 303


def test_the_next_page_after_sign_in_stays_on_this_site(site: Ctx) -> None:
    browser = client(site)
    page = browser.get("/aanmelden")
    answer = browser.post(
        "/aanmelden",
        data={
            "email": "am@example.org",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf": csrf_of(page.text),
        },
    )
    assert answer.headers["location"] == "/"


def test_my_work_lists_what_the_person_must_act_on_by_its_last_day(site: Ctx) -> None:
    case = open_case(signed_in(site, "dcm@example.org"), "LF", "Levering")
    page = signed_in(site, "am@example.org").get("/").text
    assert case in page and "reactietermijn" in page and "B2 §5.1" in page


def test_english_on_request(site: Ctx) -> None:
    open_case(signed_in(site, "dcm@example.org"), "LF", "Levering")
    page = signed_in(site, "am@example.org").get("/?lang=en").text
    assert 'lang="en"' in page and "My work" in page and "response window" in page


def _obligation_for(ctx: Ctx, role: str, not_role: str) -> str:
    from escalation_engine.procedures.obligations.listing import list_obligations
    from escalation_engine.procedures.obligations.queries import show_obligation

    for row in list_obligations(ctx, contract_key="LF", state="all"):
        roles = show_obligation(ctx, row["id"])["fulfilled_by_roles"]
        if role in roles and not_role not in roles:
            return str(row["id"])
    raise AssertionError(f"no obligation recorded by {role} and not by {not_role}")


def test_an_obligation_is_fulfilled_on_its_page_by_those_who_record_it_and_refused_to_others(
    site: Ctx,
) -> None:
    ref = _obligation_for(site, "category", "account_manager")
    supplier = signed_in(site, "am@example.org")
    page = supplier.get(f"/verplichtingen/{ref}")
    assert page.status_code == 200 and "Nakoming vastleggen" not in page.text
    before = len(audit.listing(site.db, case_ref=ref))
    answer = supplier.post(
        f"/verplichtingen/{ref}/fulfil", data={"on": "2026-03-01", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 409 and "Er is niets gewijzigd." in answer.text
    assert len(audit.listing(site.db, case_ref=ref)) == before
    category = signed_in(site, "cat@example.org")
    page = category.get(f"/verplichtingen/{ref}")
    assert "Nakoming vastleggen" in page.text
    answer = category.post(
        f"/verplichtingen/{ref}/fulfil",
        data={"on": "2026-03-01", "reference": "notulen", "csrf": csrf_of(page.text)},
    )
    assert answer.status_code == 303, answer.text
    assert "Nakoming terugnemen" in category.get(f"/verplichtingen/{ref}").text


def test_a_personal_calendar_link_serves_my_items_and_a_new_link_revokes_the_old(site: Ctx) -> None:
    browser = signed_in(site, "am@example.org")
    page = browser.get("/agenda")
    made = browser.post("/agenda/nieuw", data={"csrf": csrf_of(page.text)})
    link = re.search(r"<code>[^<]*(/agenda/[^<]+\.ics)</code>", made.text)
    assert link, made.text
    anonymous = client(site)
    feed = anonymous.get(link.group(1))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text and "OBL-" in feed.text and "OTHER" not in feed.text
    browser.post("/agenda/nieuw", data={"csrf": csrf_of(page.text)})
    assert anonymous.get(link.group(1)).status_code == 404


def test_a_refused_upload_shows_each_problem_with_its_row_and_column_and_imports_nothing(site: Ctx) -> None:
    browser = signed_in(site, "dcm@example.org")
    page = browser.get("/contracten/LF/import")
    bad = b"kpi,period,value\ndelivery,2026-01,abc\nnope,2026-02,90\n"
    answer = browser.post(
        "/contracten/LF/import",
        data={"kind": "kpi", "csrf": csrf_of(page.text)},
        files={"file": ("maart.csv", bad, "text/csv")},
    )
    assert answer.status_code == 400, answer.text
    assert (
        "rij 2, kolom" in answer.text
        and "rij 3, kolom kpi" in answer.text
        and "niets geïmporteerd" in answer.text
    )
    assert "<li>" in answer.text
    assert [r for r in audit.listing(site.db) if r["action"] == "kpi.import"] == []


def test_a_plan_page_offers_the_profiles_forms_to_the_right_roles_only(site: Ctx) -> None:
    from escalation_engine.core.principal import acting
    from escalation_engine.procedures.plans.three_step import open_plan

    browser = signed_in(site, "cat@example.org")
    page = browser.get("/contracten/LF")
    assert page.status_code == 200
    from escalation_engine.accounts.passwords import sign_in

    principal = sign_in(site, email="cat@example.org", password=PASSWORD).principal
    with acting(principal):
        plan = open_plan(
            site,
            actor_key=None,
            contract_key="LF",
            trigger="requirements",
            subject="Levertijden",
            kpi=None,
            participants=[],
            escalation=None,
        )["case"]
    page = browser.get(f"/plannen/{plan}")
    assert page.status_code == 200 and "Stap 1 overslaan" in page.text
    supplier = signed_in(site, "am@example.org").get(f"/plannen/{plan}")
    assert (
        supplier.status_code == 200
        and "Stap 1 overslaan" not in supplier.text
        and "Volgende stap" not in supplier.text
    )
    answer = browser.post(f"/plannen/{plan}/skip-step1", data={"reason": "spoed", "csrf": csrf_of(page.text)})
    assert answer.status_code == 409 and "B2 §5.2" in answer.text  # no KPI, not several participants
    answer = browser.post(
        f"/plannen/{plan}/advance", data={"reason": "onvoldoende", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text
    assert signed_in(site, "oam@other.example").get(f"/plannen/{plan}").status_code == 404


def test_a_deadlines_rule_and_clause_read_as_in_the_notice_dutch_by_default_english_on_request(
    site: Ctx,
) -> None:
    open_case(signed_in(site, "dcm@example.org"), "LF", "Levering")
    browser = signed_in(site, "am@example.org")
    dutch, english = browser.get("/contracten/LF").text, browser.get("/contracten/LF?lang=en").text
    assert "reactietermijn: geadresseerd + 5 dagen" in dutch and "response window: addressed" not in dutch
    assert "response window: addressed + 5 days" in english
    assert "reactietermijn: geadresseerd + 5 dagen" in browser.get("/").text  # My work, the same words
    clause, dutch_clause = (
        "policy default — B2 §5.1 sets no",
        "beleidskeuze — B2 §5.1 stelt geen reactietermijn",
    )
    assert dutch_clause in dutch and clause not in dutch and clause in english
    assert dutch_clause in browser.get("/").text
