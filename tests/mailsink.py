"""A real SMTP server for tests (aiosmtpd in a thread): the product's mail goes through Django's SMTP backend
to it, and tests read what arrived, headers, parts and attachments included. ``refuse`` makes it answer
every message with an SMTP error (e.g. ``"451 4.3.0 Try again later"`` or ``"550 5.1.1 No such user"``)."""

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def attachments(self) -> dict[str, tuple[str, bytes]]:
        return {
            part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
            for part in self.message.iter_attachments()
        }


@dataclass
class MailSink:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> tuple[MailSink, Controller]:
    sink = MailSink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    return sink, controller


def mailers_for(sink: MailSink) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 5},
        }
    }
