"""Helpers for the KPI tests: files to import, and what the database holds afterwards."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from escalation_engine.app.context import Ctx
from escalation_engine.core.tables import AuditEvent, Outbox, Timer
from escalation_engine.procedures.kpis.tables import KpiMeasurement


def write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, header: list[str], rows: list[list[Any]], percent_columns: tuple[int, ...] = ()
) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column in percent_columns:
        for cells in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            for cell in cells:
                cell.number_format = "0.00%"
    book.save(path)
    return path


def audit_actions(ctx: Ctx, contract: str = "LF") -> list[str]:
    with ctx.db.read() as session:
        query = (
            select(AuditEvent.action).where(AuditEvent.contract_key == contract).order_by(col(AuditEvent.id))
        )
        return list(session.exec(query))


def messages(ctx: Ctx) -> list[Outbox]:
    with ctx.db.read() as session:
        return list(session.exec(select(Outbox).order_by(col(Outbox.id))))


def pending_timers(ctx: Ctx, subject_kind: str) -> list[Timer]:
    with ctx.db.read() as session:
        query = select(Timer).where(Timer.subject_kind == subject_kind, Timer.status == "pending")
        return list(session.exec(query.order_by(col(Timer.due_at))))


def measurement_count(ctx: Ctx) -> int:
    with ctx.db.read() as session:
        return len(list(session.exec(select(KpiMeasurement.id))))
