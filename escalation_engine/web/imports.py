"""Uploading KPI results or a survey round (.xlsx or .csv): all rows or none; a refused file shows each
problem with its row and column, and nothing is imported."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from starlette.responses import Response

from escalation_engine.contracts.lookup import get_contract
from escalation_engine.core.errors import BadInput, EngineError, NotFound
from escalation_engine.procedures.kpis.results_import import import_file
from escalation_engine.procedures.kpis.surveys import import_grades
from escalation_engine.web.base import Req, refusal_status

MAX_BYTES = 5 * 1024 * 1024
KINDS = ("kpi", "survey")


def _page(
    req: Req, key: str, *, status: int = 200, refusal: dict[str, Any] | None = None, done: str | None = None
) -> Response:
    problems: list[str] = []
    if refusal is not None:
        head, *rest = str(refusal["message"]).split("\n")
        refusal = {**refusal, "message": head}
        problems = [line.strip() for line in rest if line.strip()]
    return req.page(
        "import.html",
        status=status,
        title=req.t("Importeren"),
        key=key,
        refusal=refusal,
        problems=problems,
        done=done,
        values=req.data,
    )


def import_page(req: Req) -> Response:
    key = req.request.path_params["key"]
    with req.ctx.db.read() as session:
        get_contract(session, key)  # not found for a contract the person may not see
    return _page(req, key)


def _optional_int(text: str, what: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise BadInput(f"{what}: a whole number") from None


def import_post(req: Req) -> Response:
    key = req.request.path_params["key"]
    with req.ctx.db.read() as session:
        get_contract(session, key)
    files: dict[str, bytes] = getattr(req.request.state, "files", {})
    name = req.field("filename") or ""
    content = files.get("file", b"")
    kind = req.field("kind")
    folder = (
        ""  # the upload's temporary folder: a message names the file as the person named it, not the folder
    )
    try:
        if kind not in KINDS:
            raise BadInput(req.t("Kies wat u importeert."))
        if not content:
            raise BadInput(req.t("Kies een bestand (.xlsx of .csv)."))
        if len(content) > MAX_BYTES:
            raise BadInput(req.t("Het bestand is groter dan 5 MB."))
        suffix = ".xlsx" if content[:2] == b"PK" else ".csv"
        with tempfile.TemporaryDirectory(prefix="escalation-upload-") as tmp:
            folder = str(Path(tmp)) + os.sep
            path = Path(tmp) / f"{Path(name).stem or 'upload'}{suffix}"
            path.write_bytes(content)
            if kind == "kpi":
                result = import_file(req.ctx, actor_key=None, contract_key=key, path=path)
            else:
                result = import_grades(
                    req.ctx,
                    actor_key=None,
                    contract_key=key,
                    path=path,
                    label=req.field("year") or None,
                    invited=_optional_int(req.field("invited"), req.t("Uitgenodigd")),
                    responded=_optional_int(req.field("responded"), req.t("Gereageerd")),
                )
    except NotFound:
        raise
    except EngineError as exc:
        refusal = exc.as_dict()
        if folder:
            refusal["message"] = str(refusal["message"]).replace(folder, "")
        return _page(req, key, status=refusal_status(exc), refusal=refusal)
    return _page(
        req, key, done=req.t("Geïmporteerd") + f": {result.get('imported', result.get('grades', ''))}"
    )
