"""Real processes for tests: a Celery worker (or beat) of our own app against the test's
database, with a broker of the test's choosing; a free port for a server of the test's own; and
waiting for what those processes do."""

import functools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection


def celery_env(broker: str, **extra: str) -> dict[str, str]:
    """The environment of a Celery process that sees this test's database."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "redegov.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        **extra,
    }


def celery_start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "redegov", *args, "-l", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def celery_stop(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, timeout: float = 40.0, what: str = ""):
    """Poll `condition` every 0.2 s until it gives something true (returned) or `timeout`
    seconds pass (AssertionError naming `what`): workers run in processes of their own."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


wait_long = functools.partial(wait_for, timeout=120.0)  # mail and webhooks on a loaded machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
