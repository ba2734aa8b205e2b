"""A refusal on a Dutch page speaks Dutch: the engine's message (written in English for the command line and
the audit trail) is shown in Dutch on the case pages, the contract page's forms, an import's list of
problems, the password pages and the error page, and as written on an English page (?lang=en); so is the
rule the refusal names. What the message names stays as it is, and a name with HTML in it is shown as text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from web_support import csrf_of, shared_world, signed_in

from escalation_engine.app.context import Ctx
from escalation_engine.core import audit
from escalation_engine.web.app import create_app


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    shared_world(ctx)
    yield ctx


def post(
    browser: TestClient, page: str, url: str, files: dict[str, object] | None = None, **data: str
) -> object:
    csrf = csrf_of(browser.get(page).text)
    return browser.post(url, data={**data, "csrf": csrf}, files=files)


def open_case(browser: TestClient, subject: str = "Levering") -> str:
    answer = post(browser, "/contracten/LF", "/contracten/LF/escalaties", subject=subject)
    found = re.search(r"/escalaties/(ESC-\d+)", answer.headers["location"])  # type: ignore[attr-defined]
    assert found
    return found.group(1)


def test_a_refused_raise_reads_as_dutch_on_a_dutch_page_and_as_written_on_an_english_one(site: Ctx) -> None:
    case = open_case(signed_in(site, "dcm@example.org"))
    cat = signed_in(site, "cat@example.org")
    before = len(audit.listing(site.db, case_ref=case))
    dutch = post(cat, f"/escalaties/{case}", f"/escalaties/{case}/raise", reason="Geen reactie")
    assert dutch.status_code == 409  # type: ignore[attr-defined]
    text = dutch.text  # type: ignore[attr-defined]
    assert (
        "escalatie naar niveau 2 (2e escalatieniveau) geweigerd — niveau 1 (1e escalatieniveau) niet doorlopen"
        in text
    )
    assert "de account_manager heeft niet gereageerd" in text and "Doorloop eerst de vorige niveaus" in text
    assert "not gone through" not in text and "Er is niets gewijzigd." in text

    english = post(cat, f"/escalaties/{case}", f"/escalaties/{case}/raise?lang=en", reason="No response")
    text = english.text  # type: ignore[attr-defined]
    assert english.status_code == 409 and "escalation to level 2 (2e escalatieniveau) refused" in text  # type: ignore[attr-defined]
    assert "not gone through" in text and "niet doorlopen" not in text
    assert len(audit.listing(site.db, case_ref=case)) == before


def test_a_refusals_rule_reads_as_dutch_on_a_dutch_page_and_as_written_on_an_english_one(site: Ctx) -> None:
    case = open_case(signed_in(site, "dcm@example.org"))
    cat, am = signed_in(site, "cat@example.org"), signed_in(site, "am@example.org")
    page = f"/escalaties/{case}"
    dutch = post(cat, page, f"{page}/raise", reason="Geen reactie").text  # type: ignore[attr-defined]
    assert "Regel: geen escalatieniveau overslaan: elk lager escalatieniveau wordt eerst doorlopen" in dutch
    assert "no skipping" not in dutch
    english = post(cat, page, f"{page}/raise?lang=en", reason="No response").text  # type: ignore[attr-defined]
    assert (
        "Rule: no skipping: every lower level is gone through first" in english and "overslaan" not in english
    )

    # a state machine's refusal: the counterpart responds a second time
    assert post(am, page, f"{page}/respond", text="Wij leveren vrijdag").status_code == 303  # type: ignore[attr-defined]
    before = len(audit.listing(site.db, case_ref=case))
    again = post(am, page, f"{page}/respond", text="Nog een keer")
    text = again.text  # type: ignore[attr-defined]
    assert (
        again.status_code == 409
        and "Regel: verkeerde toestand: reageren kan alleen op een aangesproken" in text
    )  # type: ignore[attr-defined]
    assert "wrong state" not in text and "Er is niets gewijzigd." in text
    english = post(am, page, f"{page}/respond?lang=en", text="Once more").text  # type: ignore[attr-defined]
    assert "Rule: wrong state (respond)" in english and "verkeerde toestand" not in english
    assert len(audit.listing(site.db, case_ref=case)) == before


def test_an_import_lists_each_rows_problem_in_dutch_with_a_cell_holding_html_shown_as_text(site: Ctx) -> None:
    dcm = signed_in(site, "dcm@example.org")
    bad = b"kpi,period,value,participant\ndelivery,2026-02,90,<b>Nep</b>\ndelivery,2026-13,abc,Belastingdienst\n"
    files = {"file": ("maart.csv", bad, "text/csv")}
    answer = post(dcm, "/contracten/LF/import", "/contracten/LF/import", files=files, kind="kpi")
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 400, text  # type: ignore[attr-defined]
    assert "maart.csv: geheel geweigerd, niets geïmporteerd — 2 probleem/problemen:" in text
    assert (
        "<li>rij 2, kolom participant: onbekende Deelnemer &#39;&lt;b&gt;Nep&lt;/b&gt;&#39; op contract"
        in text
    )
    assert "<li>rij 3, kolom period: ongeldige periode &#39;2026-13&#39;" in text
    assert "<b>Nep</b>" not in text and "unknown participant" not in text

    answer = post(dcm, "/contracten/LF/import", "/contracten/LF/import?lang=en", files=files, kind="kpi")
    text = answer.text  # type: ignore[attr-defined]
    assert (
        "refused whole, nothing imported" in text
        and "<li>row 2, column participant: unknown participant" in text
    )
    assert [r for r in audit.listing(site.db) if r["action"] == "kpi.import"] == []


def test_a_refusal_on_the_contract_pages_forms_reads_as_dutch_with_a_name_holding_html_shown_as_text(
    site: Ctx,
) -> None:
    dcm, cat = signed_in(site, "dcm@example.org"), signed_in(site, "cat@example.org")
    answer = post(
        dcm,
        "/contracten/LF",
        "/contracten/LF/escalaties",
        subject="Levering",
        participant="<script>x</script>",
    )
    text = answer.text  # type: ignore[attr-defined]
    assert (
        answer.status_code == 400 and "onbekende Deelnemer &#39;&lt;script&gt;x&lt;/script&gt;&#39;" in text
    )  # type: ignore[attr-defined]
    assert "<script>x</script>" not in text and "registreer die eerst" in text

    case = open_case(dcm)
    answer = post(
        cat,
        "/contracten/LF",
        "/contracten/LF/step-in",
        reason="Blijft onder de norm",
        escalations=case,
        culpability="culpable",
    )
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 409 and "step-in vraagt om herhaaldelijke escalaties" in text  # type: ignore[attr-defined]
    assert f"{case} staat op niveau 1, niet op het hoogste niveau 3" in text, text
    assert "needs repeated escalations" not in text

    answer = post(cat, "/contracten/LF", "/contracten/LF/plannen", trigger="kpi", subject="Levering")
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 400 and "vraagt om de naam van de KPI" in text  # type: ignore[attr-defined]
    english = post(cat, "/contracten/LF", "/contracten/LF/plannen?lang=en", trigger="kpi", subject="Levering")
    assert "needs --kpi naming the KPI" in english.text  # type: ignore[attr-defined]


def test_a_refusal_outside_a_form_shows_the_error_page_in_the_pages_language(site: Ctx) -> None:
    dcm = signed_in(site, "dcm@example.org")
    dutch = dcm.get("/escalaties/ESC-x1")
    assert dutch.status_code == 400 and "Geweigerd" in dutch.text
    assert "ongeldig kenmerk &#39;ESC-x1&#39; van een escalatie: verwacht ESC-&lt;nummer&gt;" in dutch.text
    english = dcm.get("/escalaties/ESC-x1?lang=en")
    assert "malformed escalation reference &#39;ESC-x1&#39;: expected ESC-&lt;number&gt;" in english.text


def test_a_password_links_refusal_reads_as_dutch_and_as_written_in_english(site: Ctx) -> None:
    browser = TestClient(create_app(site.db, clock=site.clock), follow_redirects=False)
    url = "/uitnodiging/no-such-link"
    short = post(browser, url, url, password="kort")
    assert short.status_code == 400 and "wachtwoord: een wachtwoord heeft ten minste" in short.text  # type: ignore[attr-defined]
    used = post(browser, url, url, password="een lang genoeg wachtwoord voor hier")
    assert "deze link is niet meer geldig (gebruikt, verlopen of onbekend)" in used.text  # type: ignore[attr-defined]
    english = post(browser, url, f"{url}?lang=en", password="een lang genoeg wachtwoord voor hier")
    assert "this link is not valid any more" in english.text  # type: ignore[attr-defined]


def test_a_refused_file_is_named_as_uploaded_not_by_the_servers_temporary_folder(site: Ctx) -> None:
    dcm = signed_in(site, "dcm@example.org")
    files = {"file": ("leeg.csv", b"kpi,period,value,participant\n", "text/csv")}
    answer = post(dcm, "/contracten/LF/import", "/contracten/LF/import", files=files, kind="kpi")
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 400 and "leeg.csv" in text  # type: ignore[attr-defined]
    assert "escalation-upload-" not in text and "/tmp" not in text
