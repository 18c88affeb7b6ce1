"""The outbox against real failures, with a real Celery worker (and its beat: the sweeper)
delivering to real receivers on loopback: an SMTP server (aiosmtpd) that refuses with 451 for
a while, a webhook receiver that answers 500 before 200, the worker killed with SIGKILL in the
middle of a delivery, the broker's Redis database flushed with deliveries pending. After each,
every message has reached its receiver, and every redelivery carried the same id (Message-ID,
Idempotency-Key), so a receiver that counts ids counts each message once."""

import asyncio
import contextlib
import email
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from aiosmtpd.controller import Controller

from outbox.choices import MessageStatus
from outbox.models import Message
from outbox.services import message_email, message_webhook
from redegov.celery import app
from tests.support.monitoring import WORKER_NUMBER
from tests.support.processes import celery_env, free_port, wait_long

pytestmark = pytest.mark.django_db(transaction=True)

# A broker database of these tests alone (tests/monitoring/test_workers.py uses 10-13, the
# other tests 14 and 15, the caches 1 and up): flushing it touches nobody else's tasks.
BROKER = f"redis://127.0.0.1:6379/{9 - WORKER_NUMBER % 4}"
LEASE_SECONDS = 3


class SmtpReceiver:
    """A real SMTP server on loopback. It refuses the first `refuse` messages with 451 (a
    temporary failure) and accepts the others; `hold` makes it keep the first message it
    accepts waiting for its reply until `release()`. It records the Message-ID of every
    message it was handed (`seen`) and of every one it accepted (`accepted`)."""

    def __init__(self, refuse: int = 0, hold: bool = False):
        self.refuse, self.hold = refuse, hold
        self.seen: list[str] = []
        self.accepted: list[str] = []
        self.holding = threading.Event()
        self.released = threading.Event()
        receiver = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message_id = email.message_from_bytes(envelope.content)["Message-ID"]
                receiver.seen.append(message_id)
                if len(receiver.seen) <= receiver.refuse:
                    return "451 4.3.0 Servidor ocupado, tente mais tarde"
                if receiver.hold and not receiver.holding.is_set():
                    receiver.holding.set()
                    while not receiver.released.is_set():
                        await asyncio.sleep(0.05)
                    return "421 4.3.0 Encerrando"  # the sender is gone by now
                receiver.accepted.append(message_id)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def release(self) -> None:
        self.released.set()

    def stop(self) -> None:
        self.released.set()
        self.controller.stop()


class WebhookReceiver:
    """A real HTTP server on loopback answering each POST with the next status (then 200),
    recording every request's Idempotency-Key and the keys of those it answered 2xx."""

    def __init__(self, statuses: list[int]):
        self.seen: list[str] = []
        self.accepted: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                receiver.seen.append(key)
                status = statuses.pop(0) if statuses else 200
                if status < 300:
                    receiver.accepted.append(key)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Delivery:
    """A Celery worker with its embedded beat (the sweeper every second), sending mail to the
    test's SMTP server, with a short lease and backoff; and this test process publishing its
    delivery tasks to the same broker."""

    def __init__(self, tmp_path, smtp: SmtpReceiver | None):
        self.tmp_path = tmp_path
        self.queue = app.conf.task_default_queue
        self.env = celery_env(
            BROKER,
            DJANGO_ENV="development",
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(smtp.port if smtp else 1),
            DJANGO_EMAIL_TIMEOUT="5",
            OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
            OUTBOX_BACKOFF_SECONDS="1",
            OUTBOX_BACKOFF_MAX_SECONDS="2",
            OUTBOX_SWEEP_SECONDS="1",
            OUTBOX_MAX_ATTEMPTS="30",
            MONITORING_SNMP_SECONDS="3600",
        )
        self.worker: subprocess.Popen | None = None

    def start_worker(self) -> None:
        # A session of its own: the embedded beat is a child process, and the kill below must
        # take it too, as a machine crash would (an orphaned beat would go on sweeping).
        self.worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "redegov",
                "worker",
                "--beat",
                "--schedule",
                str(self.tmp_path / "beat-schedule"),
                "--pool",
                "solo",
                "-Q",
                f"celery,{self.queue}",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "warning",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp_path / "celery.log").open("ab"),
            start_new_session=True,
        )

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, sig)

    def kill_worker(self) -> None:
        self._signal(signal.SIGKILL)
        self.worker.wait()

    def stop(self) -> None:
        if self.worker is None:
            return
        self._signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.worker.wait(timeout=20)
        self._signal(signal.SIGKILL)  # whatever of the group is left (the beat)
        self.worker.wait()


@pytest.fixture
def publish_to_test_broker(settings):
    """This process's delivery tasks go to the tests' broker database, like the worker's."""
    settings.OUTBOX_LEASE_SECONDS = LEASE_SECONDS
    redis.Redis.from_url(BROKER).flushdb()
    saved = app.conf.broker_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = BROKER
    reset_pools()
    yield
    app.conf.broker_url = saved
    reset_pools()
    redis.Redis.from_url(BROKER).flushdb()


@pytest.fixture
def started(tmp_path, publish_to_test_broker):
    running: list[Delivery] = []

    def start(smtp: SmtpReceiver | None = None, *, worker: bool = True) -> Delivery:
        delivery = Delivery(tmp_path, smtp)
        running.append(delivery)
        if worker:
            delivery.start_worker()
        return delivery

    yield start
    for delivery in running:
        delivery.stop()


@pytest.fixture
def smtp_factory():
    servers: list[SmtpReceiver] = []

    def make(**kwargs) -> SmtpReceiver:
        servers.append(SmtpReceiver(**kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.stop()


def emails(count: int) -> list[Message]:
    return [
        message_email(
            kind="order_event",
            ref=f"orders.orderevent:{n}",
            to=[f"pessoa{n}@example.com"],
            subject=f"Mensagem {n}",
            body="Texto",
        )
        for n in range(count)
    ]


def message_id(message: Message) -> str:
    return f"<{message.key}@redegoverno.mg.gov.br>"


def all_sent(messages: list[Message]) -> bool:
    ids = [m.pk for m in messages]
    return Message.objects.filter(pk__in=ids, status=MessageStatus.SENT).count() == len(ids)


def assert_counted_once(messages: list[Message], seen: list[str], accepted: list[str]) -> None:
    """Every message reached its receiver; every attempt carried the message's own id; the
    receiver, counting ids, counts each message once."""
    ids = {message_id(m) if m.channel == "email" else str(m.key) for m in messages}
    assert set(seen) == ids  # nothing but these ids, whatever the number of attempts
    assert set(accepted) == ids
    assert len(set(accepted)) == len(messages)


def test_a_mail_server_refusing_for_a_while_gets_every_message_once_it_accepts(
    started, smtp_factory
):
    smtp = smtp_factory(refuse=4)
    messages = emails(3)
    started(smtp)
    wait_long(lambda: all_sent(messages), what="every message delivered")
    assert len(smtp.seen) >= 3 + 4  # four refusals were retried
    assert Counter(smtp.accepted) == Counter({message_id(m): 1 for m in messages})
    assert_counted_once(messages, smtp.seen, smtp.accepted)
    retried = Message.objects.filter(pk__in=[m.pk for m in messages], attempts__gt=1)
    assert retried.exists()
    assert all(m.last_error == "" and m.sent_at for m in retried)


def test_a_webhook_answering_500_then_200_gets_every_message(started):
    receiver = WebhookReceiver([500, 500, 500])
    try:
        messages = [
            message_webhook(kind="ticket", ref=f"x:{n}", url=receiver.url, payload={"n": n})
            for n in range(2)
        ]
        started()
        wait_long(lambda: all_sent(messages), what="every webhook delivered")
    finally:
        receiver.stop()
    assert len(receiver.seen) == 2 + 3
    assert_counted_once(messages, receiver.seen, receiver.accepted)


def test_a_worker_killed_mid_delivery_delivers_again_with_the_same_id(started, smtp_factory):
    smtp = smtp_factory(hold=True)
    delivery = started(smtp)
    [message] = emails(1)
    # The server has the whole message and the worker waits for its reply: kill it there.
    wait_long(smtp.holding.is_set, what="the first delivery to reach the server")
    delivery.kill_worker()
    smtp.release()
    held = Message.objects.get(pk=message.pk)
    assert (held.status, held.attempts) == (MessageStatus.PENDING, 1)
    assert held.claimed_until is not None  # the dead worker's lease, left to expire
    delivery.start_worker()
    wait_long(lambda: all_sent([message]), what="the redelivery after the lease expired")
    assert smtp.seen == [message_id(message)] * 2  # the same Message-ID both times
    assert_counted_once([message], smtp.seen, smtp.accepted)
    assert Message.objects.get(pk=message.pk).attempts == 2


def test_flushing_the_broker_with_deliveries_pending_loses_nothing(started, smtp_factory):
    smtp = smtp_factory()
    broker = redis.Redis.from_url(BROKER)
    delivery = started(smtp, worker=False)
    messages = emails(3)
    assert broker.llen(delivery.queue) == 3  # the three delivery tasks wait in Redis
    broker.flushdb()  # this database only, never FLUSHALL
    assert broker.llen(delivery.queue) == 0
    delivery.start_worker()
    wait_long(lambda: all_sent(messages), what="the sweeper to deliver the flushed messages")
    assert_counted_once(messages, smtp.seen, smtp.accepted)
    assert len(smtp.seen) == 3
