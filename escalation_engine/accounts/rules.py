"""The pure account rules (standard library only): secrets, their hashes, passwords and sign-in lock-out."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

PASSWORD_MIN = 12  # NCSC / NIST SP 800-63B: length, no composition rules
PASSWORD_MAX = 256
INVITATION_VALID = timedelta(hours=72)
RESET_VALID = timedelta(hours=2)
TOKEN_PREFIX = "ee_"


def new_secret() -> str:
    """A personal token or one-time link secret: 256 bits from the OS, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """Secrets are random and long, so a plain SHA-256 is what is stored (never the secret)."""
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def password_problems(password: str) -> list[str]:
    if len(password) < PASSWORD_MIN:
        return [f"a password has at least {PASSWORD_MIN} characters (any characters; a sentence is fine)"]
    if len(password) > PASSWORD_MAX:
        return [f"a password has at most {PASSWORD_MAX} characters"]
    return []


@dataclass(frozen=True)
class LockOut:
    """Repeated failed sign-ins: a growing delay first, then a temporary lock (audited by the caller)."""

    slow_after: int = 3
    lock_after: int = 5
    lock_for: timedelta = timedelta(minutes=15)

    def delay_s(self, failures: int) -> float:
        """Seconds to wait before answering the next attempt: 0, then 1, 2, 4 … at most 8."""
        return 0.0 if failures < self.slow_after else float(min(2 ** (failures - self.slow_after), 8))

    def locks(self, failures: int) -> bool:
        return failures >= self.lock_after

    def until(self, now: datetime) -> datetime:
        return now + self.lock_for


LOCK_OUT = LockOut()
