"""Every text of the web application is Dutch in the templates and code, and has its English translation in
`web/locale/en.po` (a new text without one fails here)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from escalation_engine.web.render import render

WEB = Path(__file__).resolve().parents[2] / "escalation_engine" / "web"


def _msgids() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for template in (WEB / "templates").glob("*.html"):
        with template.open("rb") as handle:
            for _, _, message, _ in babel_extract(
                handle, ("_", "gettext", "ngettext"), [], {"extensions": "jinja2.ext.i18n"}
            ):
                if isinstance(message, str):
                    found.add(message)
                elif message[1] is None:  # _("… %(n)s …", n=…): the keyword arguments are not texts
                    found.add(message[0])
                else:
                    found.add((message[0], message[1]))
    for module in WEB.glob("*.py"):
        with module.open("rb") as handle:
            for _, _, message, _ in extract_python(handle, ["t"], [], {}):
                if isinstance(message, str):
                    found.add(message)
    return found


def test_every_text_of_the_web_application_has_an_english_translation() -> None:
    with (WEB / "locale" / "en.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for msgid in _msgids():
        message = catalog.get(msgid)
        if (
            message is None
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        ):
            missing.append(msgid)
    assert missing == []
    assert len(_msgids()) > 60


def test_a_refusal_shows_its_rule_and_clause_in_the_pages_language() -> None:
    refusal = {
        "message": "m",
        "rule": "response window: addressed + 5 days",
        "source": "policy default — B2 §5.1 sets no response window (not contractual)",
    }
    dutch = render("nl", "refusal.html", refusal=refusal)
    english = render("en", "refusal.html", refusal=refusal)
    assert (
        "reactietermijn: geadresseerd + 5 dagen — beleidskeuze — B2 §5.1 stelt geen reactietermijn" in dutch
    )
    assert "response window: addressed + 5 days — policy default — B2 §5.1 sets no response window" in english
