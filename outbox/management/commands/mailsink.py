"""A local SMTP server that keeps every message it is handed as a file: the demo's mail sink.

`make demo` runs it (Procfile: `mail`) and points the worker's e-mail backend at it, so the
tickets, notices and alerts the portal sends land in `MAIL_SINK_DIR` (default `var/mail/`),
one `.eml` file each, readable with any mail client or a text editor.
"""

import email
import email.policy
import re
import time
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand


class Sink:
    """The SMTP handler: each message becomes <instant>-<n>.eml in the folder."""

    def __init__(self, folder: Path, out) -> None:
        self.folder, self.out, self.count = folder, out, 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        subject = re.sub(r"[^\w-]+", "-", str(message["Subject"] or ""))[:60].strip("-")
        path = self.folder / f"{stamp}-{self.count:04d}-{subject}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        self.out.write(
            f"{', '.join(envelope.rcpt_tos)}: {message['Subject']} ({message['Message-ID']}) "
            f"-> {path}"
        )
        return "250 OK"


class Command(BaseCommand):
    help = "Run a local SMTP server writing each message it receives to a folder (the demo)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)
        parser.add_argument("--dir", default=settings.MAIL_SINK_DIR)

    def handle(self, *args, host: str, port: int, dir: str, **options) -> None:
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        controller = Controller(Sink(folder, self.stdout), hostname=host, port=port)
        controller.start()
        self.stdout.write(f"Caixa de correio local em {host}:{port}, mensagens em {folder}/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
