"""The demo's mail sink: a real SMTP server (manage.py mailsink) that writes each message the
outbox delivers to it as a file in its folder."""

import email
import socket
import subprocess
import sys

import pytest
from django.utils import timezone

from outbox.services import message_deliver, message_email
from tests.support.processes import free_port, wait_long

pytestmark = pytest.mark.django_db


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_mail_sink_keeps_each_delivered_message_as_a_file(settings, tmp_path):
    port = free_port()
    sink = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "manage.py", "mailsink", "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        message = message_email(
            kind="ticket",
            ref="monitoring.ticketmessage:1",
            to=["noc@alfa.example"],
            subject="Rede Governo: 1 chamado(s) aberto(s) para Alfa Telecom",
            body="Chamado nº 1",
        )
        wait_long(lambda: listening(port), what="the sink to listen")
        assert message_deliver(message_id=message.pk, now=timezone.now())
        [path] = wait_long(lambda: list(tmp_path.glob("*.eml")), what="the message's file")
        kept = email.message_from_bytes(path.read_bytes())
        assert kept["Message-ID"] == f"<{message.key}@redegoverno.mg.gov.br>"
        assert kept["To"] == "noc@alfa.example" and "chamado" in path.name
    finally:
        sink.terminate()
        sink.wait(timeout=10)
