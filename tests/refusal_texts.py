"""Refusals name the contract's clause (B2 §5.1, TP §2.1.2) or the profile setting, never the engine's own
design documents (SPEC, DESIGN), which a contract manager does not have."""

from __future__ import annotations

import re

from escalation_engine.core.errors import EngineError

INTERNAL = re.compile(r"\b(SPEC|DESIGN)\b")


def cites_internal_documents(error: EngineError) -> bool:
    """True when the message, rule or source of `error` cites SPEC or DESIGN."""
    return any(INTERNAL.search(text or "") for text in (error.message, error.rule, error.source))
