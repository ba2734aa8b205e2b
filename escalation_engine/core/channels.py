"""Notification channels: console (default) and SMTP (settings from the environment).

SMTP settings: ESCALATION_ENGINE_SMTP_HOST (turns SMTP on), _SMTP_PORT (25), _SMTP_FROM, _SMTP_USER,
_SMTP_PASSWORD, _SMTP_STARTTLS (1/0). Each message carries a stable Message-ID derived from its outbox
row, so a receiving system can recognise a redelivery after a crash between send and commit.
"""

from __future__ import annotations

import os
import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol, TextIO


@dataclass(frozen=True)
class Message:
    outbox_id: int
    recipient_name: str
    recipient_email: str | None
    subject: str
    body: str

    @property
    def message_id(self) -> str:
        return f"<outbox-{self.outbox_id}@escalation-engine>"


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
        stream.write(f"✉ to {message.recipient_name}{address}: {message.subject}\n")
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
        mail["To"] = f"{message.recipient_name} <{message.recipient_email}>"
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(mail)


def default_channel(stream: TextIO | None = None) -> Channel:
    smtp = SmtpChannel.from_env()
    return smtp if smtp is not None else ConsoleChannel(stream)
