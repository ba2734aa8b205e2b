"""Signed checkpoints of the audit chain: its head, signed with an Ed25519 key kept outside the database.

The hash chain shows any edit that was not carried through; someone with write access to the database could
still rewrite the whole chain consistently, or cut its tail. A checkpoint written somewhere else (a file, a
mail) and signed with a key the database never sees catches both: `audit verify --checkpoints FILE
--public-key FILE` checks each checkpoint's signature and that the chain still holds that row with that hash.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from escalation_engine.core.errors import BadInput


@dataclass(frozen=True)
class Checkpoint:
    id: int  # the audit row at the head
    head: str  # its hash
    at: str  # when the checkpoint was taken (ISO, UTC)
    signature: str = ""

    def message(self) -> bytes:
        return f"escalation-engine audit checkpoint\n{self.id}\n{self.head}\n{self.at}".encode()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "head": self.head, "at": self.at, "signature": self.signature}


def load_or_create_key(path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The signing key in `path` (PEM); a new one (mode 0600, its public key beside it as .pub) if absent."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, OSError) as exc:
            raise BadInput(f"--key-file: {path} is not an Ed25519 private key in PEM ({exc})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise BadInput(f"--key-file: {path} is not an Ed25519 key")
        return key, False
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path(path).write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key, True


def public_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def sign(key: Ed25519PrivateKey, row_id: int, head: str, at: datetime) -> Checkpoint:
    unsigned = Checkpoint(id=row_id, head=head, at=at.isoformat())
    return Checkpoint(
        unsigned.id, unsigned.head, unsigned.at, base64.b64encode(key.sign(unsigned.message())).decode()
    )


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (ValueError, OSError) as exc:
        raise BadInput(f"--public-key: {path} is not a public key in PEM ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput(f"--public-key: {path} is not an Ed25519 public key")
    return key


def read_checkpoints(path: Path) -> list[Checkpoint]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"--checkpoints: cannot read {path}: {exc}") from None
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(int(data["id"]), str(data["head"]), str(data["at"]), str(data["signature"]))
            )
        except (ValueError, KeyError, TypeError):
            raise BadInput(f"--checkpoints: line {number} of {path} is not a checkpoint") from None
    return found


def signature_ok(key: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, ValueError):
        return False
    return True
