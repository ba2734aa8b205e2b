"""`kpi import`: results from CSV or Excel (.xlsx) in one transaction — all rows or none.

Every row is checked first; a file with any bad row is refused whole, listing each problem with its row
(as the file shows it: the header is row 1), column and reason. Nothing is half-imported. A file with a
row the importing person may not record (the KPI's `recorded_by`) is refused whole too, naming that row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from escalation_engine.contracts.lookup import lock_contract, pinned_profile
from escalation_engine.contracts.participants import registered, resolve
from escalation_engine.contracts.people import get_person
from escalation_engine.core import audit
from escalation_engine.core.context import Ctx
from escalation_engine.core.dates import local_date
from escalation_engine.core.errors import BadInput, RuleRefused
from escalation_engine.core.sheets import Row, read_table
from escalation_engine.core.tables import Person
from escalation_engine.procedures.kpis.authority import require_any_recorder, require_recorder
from escalation_engine.procedures.kpis.profile import KpiSection
from escalation_engine.procedures.kpis.results import (
    MAX_LISTED_PROBLEMS,
    ColumnProblem,
    Entry,
    existing_result,
    for_participant,
    kpi_section,
    make_entry,
    store_result,
)
from escalation_engine.profile.model import Profile


def import_file(ctx: Ctx, *, actor_key: str | None, contract_key: str, path: Path) -> dict[str, Any]:
    """All rows or none: any bad row refuses the whole file with row, column and reason."""
    rows = read_table(path, ("kpi", "period", "value"), ("participant",))
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = lock_contract(session, contract_key)
        profile = pinned_profile(contract)
        section = kpi_section(profile, contract_key)
        actor = get_person(session, contract_key, actor_key)
        _check_authority(profile, section, actor, path, rows, registered(session, contract_key))
        bounds = (contract.start_date, local_date(now))
        entries, problems = _check_rows(session, section, contract_key, path, rows, bounds)
        if problems:
            shown = problems[:MAX_LISTED_PROBLEMS]
            more = len(problems) - len(shown)
            raise BadInput(
                f"{path.name}: refused whole, nothing imported — {len(problems)} problem(s):\n  "
                + "\n  ".join(shown)
                + (f"\n  … and {more} more" if more else "")
            )
        for entry in entries:
            store_result(session, contract_key, entry, actor, now)
        session.flush()
        summary = {"file": path.name, "imported": len(entries), "contract": contract_key}
        audit.append(
            ctx.db,
            session,
            now=now,
            actor=actor.key,
            actor_role=actor.role,
            action="kpi.import",
            contract_key=contract_key,
            reason=f"{len(entries)} result(s) imported from {path.name}",
            payload={**summary, "rows": [entry.__dict__ for entry in entries]},
        )
        return summary


def _check_authority(
    profile: Profile, section: KpiSection, actor: Person, path: Path, rows: list[Row], known: list[str]
) -> None:
    """Before anything else: the actor may record KPI results at all, and every row's KPI (and, for a
    decentral KPI, its participant) — the whole file is refused at the first row that is not theirs."""
    try:
        require_any_recorder(profile, section, actor)
        for row in rows:
            spec = section.kpi(row.get("kpi").text.lower())
            if spec is not None and spec.measure not in ("share", "survey"):  # else a bad row, reported below
                participant = row.get("participant").text
                try:
                    participant = resolve(participant, actor.contract_key, known) if participant else ""
                except BadInput:
                    continue  # an unknown participant: a bad row, reported with the others below
                require_recorder(profile, section, spec, actor, participant, f"row {row.number}: ")
    except RuleRefused as refused:
        raise RuleRefused(
            f"{path.name}: refused whole, nothing imported — {refused.message}",
            rule=refused.rule,
            source=refused.source,
        ) from None


def _check_rows(
    session: Session,
    section: KpiSection,
    contract_key: str,
    path: Path,
    rows: list[Row],
    bounds: tuple[date, date],
) -> tuple[list[Entry], list[str]]:
    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    participants = registered(session, contract_key)
    for row in rows:
        empty = [column for column in ("kpi", "period", "value") if not row.get(column).text]
        if empty:
            problems.append(f"row {row.number}, column {empty[0]}: empty")
            continue
        cell = row.get("value")
        try:
            entry = make_entry(
                section,
                contract_key,
                kpi=row.get("kpi").text,
                period=row.get("period").text,
                value=cell.value,
                participant=row.get("participant").text,
                origin=f"import {path.name} row {row.number}",
                participants=participants,
                percent_format=cell.percent_format,
                bounds=bounds,
            )
        except ColumnProblem as exc:
            problems.append(f"row {row.number}, column {exc.column}: {exc.message}")
            continue
        key = (entry.kpi, entry.period, entry.participant)
        if key in seen:
            problems.append(f"row {row.number}: same KPI, period and participant as row {seen[key]}")
        elif existing_result(session, contract_key, entry) is not None:
            problems.append(
                f"row {row.number}: {entry.kpi} {entry.period}{for_participant(entry)} is already recorded"
            )
        seen.setdefault(key, row.number)
        entries.append(entry)
    return entries, problems
