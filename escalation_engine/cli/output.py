"""Printing: human tables on stdout, or exactly one JSON document with --json (errors included)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def table(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]], empty: str = "(none)"
) -> None:
    from tabulate import tabulate

    data = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    if not data:
        click.echo(empty)
        return
    click.echo(
        tabulate(data, headers=[title for _, title in columns], tablefmt="simple", disable_numparse=True)
    )


def fields(data: Mapping[str, Any], keys: Sequence[tuple[str, str]]) -> None:
    width = max(len(title) for _, title in keys)
    for key, title in keys:
        value = data.get(key)
        if value is None or value == "":
            continue
        click.echo(f"{title.ljust(width)}  {_cell(value)}")


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00")


def local_time(text: str) -> str:
    """A stored UTC instant as Amsterdam wall time, the way contract managers read it (JSON keeps UTC)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%Y-%m-%d %H:%M")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        return local_time(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 70 else text[:67] + "…"


def error(as_json: bool, payload: dict[str, Any]) -> None:
    if as_json:
        emit_json({"error": payload})
    else:
        prefix = {2: "error", 3: "refused", 4: "not found", 5: "error"}.get(
            int(payload.get("exit_code", 1)), "internal fault"
        )
        if payload.get("kind") == "unknown_schema":
            prefix = "error"
        click.echo(f"{prefix}: {payload['message']}", err=True)
        if payload.get("rule") or payload.get("source"):
            rule = " — ".join(str(p) for p in (payload.get("rule"), payload.get("source")) if p)
            click.echo(f"  rule: {rule}", err=True)
    sys.stderr.flush()
