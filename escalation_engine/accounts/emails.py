"""E-mail addresses: one mailbox each, checked by email-validator (syntax only, no DNS lookups)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from escalation_engine.core.errors import BadInput


def normalise_email(text: str | None, *, what: str = "e-mail") -> str:
    """The address in lower case, or BadInput naming the field and what is wrong."""
    value = (text or "").strip()
    if not value:
        raise BadInput(f"{what}: an e-mail address is required")
    if any(ch in value for ch in ",;<>\r\n\t ") or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise BadInput(f"{what}: {value!r} is not one e-mail address (one mailbox per person)")
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise BadInput(f"{what}: {value!r} is not a valid e-mail address ({exc})") from None
    return str(checked.normalized).lower()
