"""`kpi import`: results from CSV or Excel (.xlsx) in one transaction — all rows or none.

Every row is checked first; a file with any bad row is refused whole, listing each problem with its row
(as the file shows it: the header is row 1), column and reason. Nothing is half-imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from ..adapters.sheets import Row, read_table
from ..domain.errors import BadInput
from ..kpi_profile import KpiSection
from . import audit
from .common import get_contract, get_person, pinned_profile
from .context import Ctx
from .kpis import (
    MAX_LISTED_PROBLEMS,
    ColumnProblem,
    Entry,
    existing_result,
    for_participant,
    kpi_section,
    make_entry,
    store_result,
)


def import_file(ctx: Ctx, *, actor_key: str | None, contract_key: str, path: Path) -> dict[str, Any]:
    """All rows or none: any bad row refuses the whole file with row, column and reason."""
    rows = read_table(path, ("kpi", "period", "value"), ("participant",))
    now = ctx.clock.now()
    with ctx.db.write() as session:
        contract = get_contract(session, contract_key)
        section = kpi_section(pinned_profile(contract), contract_key)
        actor = get_person(session, contract_key, actor_key)
        entries, problems = _check_rows(session, section, contract_key, path, rows)
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


def _check_rows(
    session: Session, section: KpiSection, contract_key: str, path: Path, rows: list[Row]
) -> tuple[list[Entry], list[str]]:
    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
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
                percent_format=cell.percent_format,
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
