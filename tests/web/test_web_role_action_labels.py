"""Every role of every shipped profile and every audit action the engine writes has Dutch words on the pages and
their English translation: the roles are read from workflows/*.yaml, the actions from the engine's source (a
literal, or an f-string through the list of its values below, each with where it comes from), so a new role
or action without words fails here. A case's timeline and the audit page show the words, not the codes."""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from web_support import shared_world, signed_in

from escalation_engine.accounts.calendar_links import CALENDAR
from escalation_engine.accounts.tokens import PERSONAL
from escalation_engine.app.context import Ctx
from escalation_engine.procedures.kpis import results as kpis
from escalation_engine.procedures.kpis.sanction_machine import SanctionTrigger
from escalation_engine.procedures.kpis.waiting_room import KIND as WAITING_ROOM
from escalation_engine.procedures.ladder import actions as esc
from escalation_engine.procedures.obligations.listing import list_obligations
from escalation_engine.procedures.plans.machine import STEP_OF, StepState
from escalation_engine.web.labels import PROFILE_ROLES, ROLES, STATES
from escalation_engine.web.labels_actions import ACTIONS
from escalation_engine.web.render import HERE, environment

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "escalation_engine"
CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_{}-]+)+$")  # an audit action: dotted, no spaces

# The f-string actions and the values they take ({} is the formatted part), with where each comes from.
EXPANSIONS: dict[str, tuple[set[str], str]] = {
    "escalation.assess.{}": ({"sufficient", "insufficient"}, "ladder/actions.py assess: record.assessment"),
    "plan.advance.step{}": (
        {str(STEP_OF[StepState.STEP_2]), str(STEP_OF[StepState.STEP_3_REQUESTED])},
        "plans/three_step.py advance: the step after it (enter_step2 → 2, request_step3 → 3)",
    ),
    "plan.{}": ({"accept", "reject"}, "plans/actions.py decide: verb"),
    "stepin.assess.{}": ({"solved", "insufficient_progress"}, "step_in/decisions.py assess: verdict"),
    "stepin.meeting{}": ({"1", "2"}, "step_in/meetings.py _record: the meeting's number (two meetings)"),
    "sanction.{}": (
        {SanctionTrigger.APPLY.value, SanctionTrigger.WAIVE.value},
        "kpis/sanctions.py decide: the trigger, apply or waive (the findings write sanction.propose/not_culpable)",
    ),
    "verdict.{}": (
        {"kpi", "delivery-decentral", "delivery-central", "survey", WAITING_ROOM},
        "kpis/verdicts.py store: NewVerdict.kind (evaluate, obligation_kpis, delivery, surveys, waiting_room)",
    ),
    "account.token.{}": (
        {PERSONAL, CALENDAR, "invitation", "reset"},
        "accounts/tokens.py issue: kind (tokens, admin, calendar_links, invitations.send_link, passwords)",
    ),
}


def _texts(node: ast.expr) -> list[str] | None:
    """A literal's text, an f-string's with {} for each formatted part, both of a conditional; None for
    anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)]
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body), _texts(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _trees() -> list[ast.Module]:
    return [ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(ENGINE.rglob("*.py"))]


def _passes_action_on(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call)
        and any(
            k.arg == "action" and isinstance(k.value, ast.Name) and k.value.id == "action"
            for k in node.keywords
        )
        for node in ast.walk(function)
    )


def _action_parameters(trees: list[ast.Module]) -> dict[str, int]:
    """The audit writers' helpers — functions that take `action` positionally and pass it on as `action=` —
    by name: the argument's position."""
    found = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and _passes_action_on(node):
                names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                if "action" in names:
                    found[node.name] = names.index("action")
    return found


def _action_values(node: ast.AST, helpers: dict[str, int]) -> list[ast.expr]:
    """What this node gives as an action: `action=…`, a helper's positional action, `action = …`."""
    if isinstance(node, ast.Assign):
        return [node.value] if any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets) else []
    if not isinstance(node, ast.Call):
        return []
    values = [k.value for k in node.keywords if k.arg == "action"]
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    at = helpers.get(str(name))
    if at is not None and len(node.args) > at:
        values.append(node.args[at])
    return values


def written_actions() -> tuple[set[str], list[str]]:
    """Every audit action in the engine's source (f-strings with {}), and what could not be read as text
    (anything but the pass-through of a parameter named `action`)."""
    trees = _trees()
    helpers = _action_parameters(trees)
    found: set[str] = set()
    unread: list[str] = []
    for tree in trees:
        for node in ast.walk(tree):
            for value in _action_values(node, helpers):
                texts = _texts(value)
                if texts is None:
                    if not (isinstance(value, ast.Name) and value.id == "action"):
                        unread.append(ast.unparse(value))
                    continue
                found |= {text for text in texts if CODE.match(text)}
    return found, unread


def expanded(found: set[str]) -> set[str]:
    literal = {action for action in found if "{}" not in action}
    return literal | {t.replace("{}", v) for t, (values, _) in EXPANSIONS.items() for v in values}


def shipped_roles() -> dict[str, set[str]]:
    profiles = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "workflows").glob("*.yaml"))
    ]
    return {profile["profile"]: set(profile["roles"]) for profile in profiles}


def test_every_role_of_every_shipped_profile_has_its_words() -> None:
    roles = shipped_roles()
    assert {"leasefietsen-rijk", "reintegratie-defensie"} <= roles.keys()
    missing = [
        (name, role)
        for name, keys in roles.items()
        for role in sorted(keys)
        if not (PROFILE_ROLES.get(name, {}).get(role) or ROLES.get(role))
    ]
    assert missing == []
    stale = [(n, r) for n, own in PROFILE_ROLES.items() for r in own if r not in roles.get(n, set())]
    assert stale == [] and sorted(ROLES.keys() - set().union(*roles.values())) == []


def test_every_audit_action_the_engine_writes_has_its_words() -> None:
    found, unread = written_actions()
    assert unread == []  # an action the scan cannot read: write it as a literal or an f-string
    assert {"escalation.respond", "sanction.propose", "account.locked", "stepin.meeting_missed"} <= found
    assert sorted(a for a in found if "{}" in a) == sorted(EXPANSIONS)  # every f-string has its values
    actions = expanded(found)
    assert sorted(actions - ACTIONS.keys()) == []
    assert sorted(ACTIONS.keys() - actions) == []  # no words for an action the engine no longer writes


def test_every_state_an_audit_row_is_written_with_has_its_words() -> None:
    """The machines' states are held in test_web_labels; here the literal ones (a verdict's met/missed …)."""
    written = {
        text
        for tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg in ("from_state", "to_state")
        for text in _texts(keyword.value) or []
    }
    assert {"met", "missed", "fulfilled"} <= written and sorted(written - STATES.keys()) == []


def test_every_role_and_action_label_has_its_english_translation() -> None:
    with (HERE / "locale" / "en.po").open("rb") as handle:
        catalog = read_po(handle)
    texts = [*ROLES.values(), *(w for own in PROFILE_ROLES.values() for w in own.values()), *ACTIONS.values()]
    assert [text for text in texts if not (catalog.get(text) and catalog.get(text).string)] == []


def test_a_role_has_its_profiles_words_and_an_unknown_code_is_shown_as_it_is() -> None:
    dutch, english = environment("nl").filters, environment("en").filters
    assert dutch["role"]("category_manager", "leasefietsen-rijk") == "Categoriemanager"
    assert dutch["role"]("category_manager", "reintegratie-defensie").startswith("CM CAT (contractmanager")
    assert english["role"]("category_manager", "reintegratie-defensie").startswith("CM CAT (contract manager")
    assert english["role"]("account_manager") == "supplier's account manager"
    assert dutch["role"]("someone_new", "leasefietsen-rijk") == "someone_new" and dutch["role"](None) == ""
    assert english["action"]("escalation.assess.insufficient") == "assessed: insufficient"
    assert dutch["action"]("something.new") == "something.new"


@pytest.fixture
def site(ctx: Ctx) -> Iterator[Ctx]:
    from support import register

    register(ctx, key="TP", profile="reintegratie-defensie")
    shared_world(ctx)
    yield ctx


def _responded(ctx: Ctx) -> str:
    ref = str(
        esc.open_escalation(
            ctx,
            actor_key="dcm",
            contract_key="LF",
            subject="Levertijden",
            norm=None,
            participant=None,
            threatened=False,
        )["case"]
    )
    esc.respond(ctx, actor_key="am", ref=ref, text="We leveren vanaf maandag op tijd")
    return ref


def test_a_case_timeline_shows_who_in_which_role_did_what_in_the_pages_language(site: Ctx) -> None:
    ref = _responded(site)
    dcm = signed_in(site, "dcm@example.org")
    dutch = html.unescape(dcm.get(f"/escalaties/{ref}").text)
    assert "dcm</strong>, contractmanager Deelnemer (DCM-er): escalatie geopend" in dutch
    assert "am</strong>, accountmanager Opdrachtnemer: reactie gegeven [aangesproken → gereageerd]" in dutch
    assert "escalation.respond" not in dutch and "account_manager" not in dutch and "[addressed" not in dutch
    english = html.unescape(dcm.get(f"/escalaties/{ref}?lang=en").text)
    assert "dcm</strong>, participant's contract manager (DCM-er): escalation opened" in english
    assert "am</strong>, supplier's account manager: responded [addressed → responded]" in english


def test_the_audit_page_shows_the_words_with_the_code_and_the_export_only_the_code(site: Ctx) -> None:
    _responded(site)
    kpis.record(
        site,
        actor_key="cmcat",
        contract_key="TP",
        kpi="k1-received",
        period="2026-02",
        value="99",
        participant=None,
    )
    cat = signed_in(site, "cat@example.org")
    page = html.unescape(cat.get("/audit").text)
    assert '<td>reactie gegeven <span class="muted">escalation.respond</span></td>' in page
    assert "<td>accountmanager Opdrachtnemer</td>" in page
    assert "<td>CM CAT (contractmanager Categorie Duurzame Inzetbaarheid)</td>" in page  # TP's words
    assert '<td>KPI-resultaat vastgelegd <span class="muted">kpi.record</span></td>' in page
    export = cat.get("/audit.csv").text
    assert (
        ",account_manager," in export and ",escalation.respond," in export and "reactie gegeven" not in export
    )


def test_an_obligation_page_names_who_owes_it_and_to_whom_in_words(site: Ctx) -> None:
    owed = next(o for o in list_obligations(site, contract_key="LF") if o["owed_by"] == "account_manager")
    page = html.unescape(signed_in(site, "am@example.org").get(f"/verplichtingen/{owed['id']}").text)
    assert "<dt>Verschuldigd door</dt><dd>accountmanager Opdrachtnemer (am)</dd>" in page
    assert "<dt>Aan</dt><dd>Categorie (categoriemanagement)</dd>" in page
