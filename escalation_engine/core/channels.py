"""Notification channels: SMTP (settings from the environment) and, for the demo and tests only, the console.

SMTP settings: ESCALATION_ENGINE_SMTP_HOST (turns SMTP on), _SMTP_PORT (25), _SMTP_FROM, _SMTP_USER,
_SMTP_PASSWORD, _SMTP_STARTTLS (1/0). Console delivery is used only when asked for explicitly
(`tick --console`, `run --console` or ESCALATION_ENGINE_CONSOLE=1); without either, no channel is
configured and notices stay queued — never marked sent — until one is. Each message carries a stable
Message-ID derived from its outbox row and the database's identifier, so a receiving system can recognise
a redelivery after a crash between send and commit, and two databases never share a Message-ID.
"""

from __future__ import annotations

import os
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol, TextIO

from escalation_engine.core.refs import as_one_line

CONSOLE_ENV = "ESCALATION_ENGINE_CONSOLE"
NO_CHANNEL = (
    "NO NOTIFICATION CHANNEL CONFIGURED: set ESCALATION_ENGINE_SMTP_HOST (and _SMTP_PORT, _SMTP_FROM, …) to "
    "send e-mail. Until then every notice stays queued and nothing is sent. (Console delivery is for the "
    "demo and tests only: --console or ESCALATION_ENGINE_CONSOLE=1.)"
)


@dataclass(frozen=True)
class Message:
    outbox_id: int
    recipient_name: str
    recipient_email: str | None
    subject: str
    body: str
    database: str = ""  # the database's identifier (database_identity), unique per database

    @property
    def message_id(self) -> str:
        origin = f".{self.database}" if self.database else ""
        return f"<outbox-{self.outbox_id}{origin}@escalation-engine>"


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class ConsoleChannel:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: Message) -> None:
        stream = self.stream or sys.stdout
        address = f" <{message.recipient_email}>" if message.recipient_email else ""
        stream.write(f"✉ to {message.recipient_name}{address}: {as_one_line(message.subject)}\n")
        for line in message.body.splitlines():
            stream.write(f"    {line}\n")
        stream.flush()


class PermanentFailure(Exception):
    """The message can never be delivered as it is (e.g. no e-mail address)."""


@dataclass
class SmtpChannel:
    host: str
    port: int = 25
    sender: str = "escalation-engine@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0
    name: str = "smtp"

    @classmethod
    def from_env(cls) -> SmtpChannel | None:
        host = os.environ.get("ESCALATION_ENGINE_SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(os.environ.get("ESCALATION_ENGINE_SMTP_PORT", "25")),
            sender=os.environ.get("ESCALATION_ENGINE_SMTP_FROM", "escalation-engine@localhost"),
            user=os.environ.get("ESCALATION_ENGINE_SMTP_USER"),
            password=os.environ.get("ESCALATION_ENGINE_SMTP_PASSWORD"),
            starttls=os.environ.get("ESCALATION_ENGINE_SMTP_STARTTLS", "0") == "1",
        )

    def send(self, message: Message) -> None:
        if not message.recipient_email:
            raise PermanentFailure(f"{message.recipient_name} has no e-mail address")
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = f"{as_one_line(message.recipient_name)} <{as_one_line(message.recipient_email)}>"
        mail["Subject"] = as_one_line(message.subject)  # a stored CR/LF would make the mail unsendable
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(mail)


def configured_channel(stream: TextIO | None = None, *, console: bool = False) -> Channel | None:
    """SMTP when configured; the console only when asked for (`console`, or ESCALATION_ENGINE_CONSOLE=1);
    otherwise None: no channel, the notices stay queued."""
    smtp = SmtpChannel.from_env()
    if smtp is not None:
        return smtp
    if console or os.environ.get(CONSOLE_ENV) == "1":
        return ConsoleChannel(stream)
    return None
