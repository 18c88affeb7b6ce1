"""The real thing: a Celery worker and beat polling the simulated network every 2 seconds.
A worker killed with SIGKILL mid-cycle, or Redis flushed mid-outage, loses, duplicates or
shifts no outage: PostgreSQL holds the truth and each cycle is recorded once."""

import signal
import subprocess
import time
from datetime import UTC, datetime

import pytest
import redis

from monitoring.models import EngineCursor, Outage
from tests.support.monitoring import WORKER_NUMBER, interruptions
from tests.support.processes import celery_env, celery_start, celery_stop, wait_for

CYCLE_SECONDS = 2
BROKER = f"redis://127.0.0.1:6379/{13 - WORKER_NUMBER % 4}"


class Monitoring:
    """A Celery worker (the dispatcher's queue and the shard's, poll) and beat, against this
    test's database and its own broker."""

    def __init__(self, tmp_path):
        self.env = celery_env(
            BROKER,
            MONITORING_CYCLE_SECONDS=str(CYCLE_SECONDS),
            MONITORING_SNMP_SECONDS="3600",
        )
        self.tmp_path = tmp_path
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None

    def _celery(self, *args: str) -> subprocess.Popen:
        return celery_start(self.env, self.tmp_path / "celery.log", *args)

    def start_worker(self) -> None:
        self.worker = self._celery(
            "worker",
            "--pool",
            "solo",
            "-Q",
            "celery,poll",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        )

    def start(self) -> None:
        redis.Redis.from_url(BROKER).flushdb()
        self.start_worker()
        self.beat = self._celery("beat", "--schedule", str(self.tmp_path / "beat-schedule"))

    def stop(self) -> None:
        for process in (self.worker, self.beat):
            celery_stop(process)
        redis.Redis.from_url(BROKER).flushdb()


@pytest.fixture
def monitoring(tmp_path):
    running = Monitoring(tmp_path)
    yield running
    running.stop()


def last_cycle() -> int | None:
    cursor = EngineCursor.objects.filter(shard__is_default=True).first()
    return cursor.last_cycle_id if cursor else None


def run_an_outage(link, faults, monitoring, disturb) -> tuple[float, float]:
    """Fail the link, `disturb()` once its outage is open, restore it; return both instants."""
    monitoring.start()
    wait_for(last_cycle, what="the first recorded cycle")
    failed_at = time.time()
    faults.fail([link.mgmt_ip])
    wait_for(lambda: interruptions(link), what="the outage to open")
    disturb()
    seen = last_cycle()
    wait_for(lambda: (last_cycle() or 0) >= seen + 2, what="two more cycles")
    restored_at = time.time()
    faults.restore([link.mgmt_ip])
    wait_for(lambda: interruptions(link)[0][1] is not None, what="the outage to close")
    return failed_at, restored_at


def assert_one_exact_outage(network, failed_at: float, restored_at: float) -> None:
    link = network.link_x_metro
    [(start, end)] = interruptions(link)
    # The outage starts at the first failed cycle and ends at the first successful one: both
    # are cycle instants within a cycle of the fault's real instants.
    for instant in (start, end):
        assert instant.timestamp() % CYCLE_SECONDS == 0
    assert failed_at - CYCLE_SECONDS <= start.timestamp() <= failed_at + 2 * CYCLE_SECONDS
    assert restored_at - CYCLE_SECONDS <= end.timestamp() <= restored_at + 2 * CYCLE_SECONDS
    assert not Outage.objects.exclude(link=link).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_cycle_loses_duplicates_or_shifts_nothing(
    polled_network, faults, monitoring
):
    def kill_mid_cycle_and_restart():
        # Cycles fire every 2 s and spend about 1 s pinging: kill 0.6 s into one.
        now = time.time()
        time.sleep(CYCLE_SECONDS - now % CYCLE_SECONDS + 0.6)
        monitoring.worker.send_signal(signal.SIGKILL)
        monitoring.worker.wait()
        time.sleep(CYCLE_SECONDS * 2)  # cycles go unpolled meanwhile
        monitoring.start_worker()

    failed_at, restored_at = run_an_outage(
        polled_network.link_x_metro, faults, monitoring, kill_mid_cycle_and_restart
    )
    assert_one_exact_outage(polled_network, failed_at, restored_at)


@pytest.mark.django_db(transaction=True)
def test_redis_flushed_mid_outage_still_one_outage_closed_correctly(
    polled_network, faults, monitoring
):
    def flush_redis():
        redis.Redis.from_url(BROKER).flushdb()

    failed_at, restored_at = run_an_outage(
        polled_network.link_x_metro, faults, monitoring, flush_redis
    )
    assert_one_exact_outage(polled_network, failed_at, restored_at)
    assert (
        datetime.fromtimestamp(restored_at, tz=UTC)
        > interruptions(polled_network.link_x_metro)[0][0]
    )
