"""The audit trail: appended in the same transaction as each change, hash-chained, verifiable."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from escalation_engine.core.db import Database
from escalation_engine.core.exports import spreadsheet_safe
from escalation_engine.core.principal import current as current_principal
from escalation_engine.core.registry import Registry
from escalation_engine.core.sqlite_hints import AUDIT_CASE
from escalation_engine.core.tables import AuditEvent, Person
from escalation_engine.core.visibility import others_refs, restrict, sight, without_others_audit

GENESIS = "0" * 64
# A row may be dated this much before the row before it (two processes' clocks); further back: `verify` warns.
BACKWARDS_TOLERANCE = timedelta(minutes=5)
_FIELDS = (
    "id",
    "recorded_at",
    "actor",
    "actor_role",
    "action",
    "contract_key",
    "case_ref",
    "level",
    "from_state",
    "to_state",
    "reason",
    "payload",
)
# Who proved what: hashed only when set, so rows written before accounts existed verify as they were.
_WHO = ("account", "auth", "operator")


def _canonical(values: Mapping[str, Any]) -> str:
    data: dict[str, Any] = {}
    for name in _FIELDS:
        value = values[name]
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    for name in _WHO:
        if values.get(name) is not None:
            data[name] = values[name]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, event: AuditEvent | Mapping[str, Any]) -> str:
    values = event if isinstance(event, Mapping) else {name: getattr(event, name) for name in _FIELDS + _WHO}
    return hashlib.sha256((prev_hash + "\n" + _canonical(values)).encode()).hexdigest()


def append(
    db: Database,
    session: Session,
    *,
    now: datetime,
    actor: str,
    action: str,
    actor_role: str | None = None,
    contract_key: str | None = None,
    case_ref: str | None = None,
    level: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    last_id, last_hash = _chain_head(db, session)
    values: dict[str, Any] = {
        "id": last_id + 1,
        "recorded_at": now,
        "actor": actor,
        "actor_role": actor_role,
        "action": action,
        "contract_key": contract_key,
        "case_ref": case_ref,
        "level": level,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "payload": json.dumps(payload or {}, sort_keys=True, ensure_ascii=False, default=str),
        "prev_hash": last_hash,
        **_who(),
    }
    values["hash"] = compute_hash(last_hash, values)
    # A Core INSERT of exactly these values: the ORM unit of work adds nothing for an append-only row.
    session.connection().execute(_INSERT, values)
    session.info[_HEAD] = (session.get_transaction(), values["id"], values["hash"])


def _who() -> dict[str, str | None]:
    principal = current_principal()
    if principal is None:
        return {"account": None, "auth": None, "operator": None}
    return {"account": principal.account, "auth": principal.auth, "operator": principal.operator}


_HEAD = "escalation_engine.audit_head"
_INSERT = AuditEvent.__table__.insert()  # type: ignore[attr-defined]
_HEAD_QUERY = select(AuditEvent.id, AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)


def _chain_head(db: Database, session: Session) -> tuple[int, str]:
    """The id and hash of the newest audit row, locked for this transaction.

    Read once per transaction (only the two columns, without flushing the session first); a second
    append in the same transaction continues from the event the first one added.
    """
    head = session.info.get(_HEAD)
    if head is not None and head[0] is session.get_transaction():
        return int(head[1]), str(head[2])
    db.lock_audit_chain(session)
    row = session.connection().execute(_HEAD_QUERY).first()  # Core: no autoflush, no ORM result
    return (row[0] or 0, row[1]) if row else (0, GENESIS)


def case_step(
    db: Database,
    session: Session,
    *,
    now: datetime,
    actor: Person | str,
    action: str,
    contract_key: str,
    case_ref: str,
    level: int | None,
    before: str,
    after: str,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """One step of a procedure's case: a person (key and role) or the system (a name) moved it."""
    append(
        db,
        session,
        now=now,
        actor=actor if isinstance(actor, str) else actor.key,
        actor_role=None if isinstance(actor, str) else actor.role,
        action=action,
        contract_key=contract_key,
        case_ref=case_ref,
        level=level,
        from_state=before,
        to_state=after,
        reason=reason,
        payload=payload,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    head: str
    problems: list[str]
    # rows dated before the row before them: the chain holds, but the clock ran backwards (a warning)
    backwards: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head": self.head,
            "problems": self.problems,
            "backwards": self.backwards,
        }


def _stream(db: Database, after: int = 0) -> Iterator[AuditEvent]:
    with db.read() as session:
        query = select(AuditEvent).where(col(AuditEvent.id) > after).order_by(col(AuditEvent.id))
        yield from session.exec(query.execution_options(yield_per=1000))


def verify(
    db: Database,
    expected_head: str | None = None,
    checkpoints: Sequence[tuple[int, str]] = (),
    since: tuple[int, str] | None = None,
) -> VerifyResult:
    """Recompute the chain; name every edited row and every missing row. A kept head (`expected_head`) and
    every checkpoint (row id, hash) must still be in the chain: rows added since are fine, a rewritten or
    cut chain is not. A row dated more than BACKWARDS_TOLERANCE before the row before it is named in
    `backwards` (the clock ran backwards: visible, though the chain holds). From a signed checkpoint
    (`since`: its row id and head), only the rows after it are read and checked (the checkpoint vouches for
    the chain up to its row): linear in the rows since."""
    problems: list[str] = []
    backwards: list[str] = []
    prev_hash, expected_id, rows = GENESIS, 1, 0
    prev_at, prev_id = None, 0
    if since is not None:
        prev_hash, expected_id = since[1], since[0] + 1
        with db.read() as session:
            anchor = session.get(AuditEvent, since[0])
        if anchor is None or anchor.hash != since[1]:
            problems.append(
                f"audit row {since[0]} is not the row the checkpoint signed (the chain was rewritten or cut)"
            )
    wanted = {ident: head for ident, head in checkpoints if ident >= expected_id}
    head_seen = expected_head is None or expected_head == prev_hash
    for event in _stream(db, expected_id - 1):
        rows += 1
        if prev_at is not None and event.recorded_at < prev_at - BACKWARDS_TOLERANCE:
            backwards.append(
                f"audit row {event.id} is dated {_at(event.recorded_at)}, before row {prev_id} "
                f"({_at(prev_at)}): the clock ran backwards"
            )
        prev_at, prev_id = event.recorded_at, event.id or 0
        problems.extend(_row_problems(event, expected_id, prev_hash))
        head_seen = head_seen or event.hash == expected_head
        if event.id in wanted and wanted.pop(event.id) != event.hash:
            problems.append(
                f"audit row {event.id} is not the row the checkpoint signed (the chain was rewritten)"
            )
        prev_hash, expected_id = event.hash, (event.id or 0) + 1
    if not head_seen and expected_head:
        problems.append(
            f"the chain ends at {prev_hash[:12]}…, not at the expected head {expected_head[:12]}…, and no longer "
            "holds it (rows cut off?)"
        )
    for ident in sorted(wanted):
        problems.append(f"audit row {ident} of a signed checkpoint is missing (the tail was cut)")
    return VerifyResult(ok=not problems, rows=rows, head=prev_hash, problems=problems, backwards=backwards)


def _row_problems(event: AuditEvent, expected_id: int, prev_hash: str) -> list[str]:
    """What is wrong with one row of the chain: rows missing before it, a broken link, edited content."""
    problems = []
    if event.id != expected_id:
        missing = f"{expected_id}" if event.id == expected_id + 1 else f"{expected_id}–{(event.id or 0) - 1}"
        problems.append(f"audit row(s) {missing} missing (deleted?) before row {event.id}")
    if event.prev_hash != prev_hash:
        problems.append(
            f"audit row {event.id}: link to the previous row is broken (a row before it was changed or removed)"
        )
    if compute_hash(event.prev_hash, event) != event.hash:
        problems.append(f"audit row {event.id}: content does not match its hash (the row was edited)")
    return problems


def _at(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M:%S UTC")


def as_record(event: AuditEvent) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in (*_FIELDS, *_WHO, "prev_hash", "hash"):
        value = getattr(event, name)
        record[name] = value.isoformat() if isinstance(value, datetime) else value
    record["payload"] = json.loads(event.payload or "{}")
    return record


def listing(
    db: Database,
    *,
    case_ref: str | None = None,
    contract_key: str | None = None,
    registry: Registry | None = None,
) -> list[dict[str, Any]]:
    with db.read() as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if case_ref:  # one case's rows along its index (`core.sqlite_hints`)
            query = query.where(AuditEvent.case_ref == case_ref).with_hint(AuditEvent, AUDIT_CASE, "sqlite")
        if contract_key:
            query = query.where(AuditEvent.contract_key == contract_key)
        query = without_others_audit(
            registry, session, restrict(session, query, col(AuditEvent.contract_key))
        )
        return [as_record(e) for e in session.exec(query)]


def export(db: Database, fmt: str, registry: Registry | None = None) -> str:
    """The trail the acting account may see as CSV or JSON lines (`registry`: see `search`)."""
    with db.read() as session:
        seen = sight(session)
        hidden = others_refs(registry, session)
    records = [
        as_record(e)
        for e in _stream(db)
        if seen.sees(e.contract_key) and (e.contract_key or "", e.case_ref or "") not in hidden
    ]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*_FIELDS, *_WHO, "prev_hash", "hash"], lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {**record, "payload": json.dumps(record["payload"], ensure_ascii=False, sort_keys=True)}
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue()
