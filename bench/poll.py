"""Polling benchmark: full ICMP cycles (5 echoes per path, the state machine, the database
writes) of N simulated links on loopback, against fping over the same targets in the same run,
and SNMP requests per second.

N links are built (default 10 000): the demo's and clones of them; 5% are down and 2% lose 10%
of their echoes, for real, through the netsim's nftables table. Each cycle is run as the worker
runs it (`monitoring.services.cycle_poll`) and its wall and CPU seconds printed; then
`fping -c5 -p<interval> -i0 -q` pings the same addresses. With `--minutes` the cycles run back to
back on their schedule for that long (60-second cycles for 100 000 links) and the benchmark says
whether every cycle finished within its cycle.

    sudo .venv/bin/python bench/poll.py [--links 10000] [--cycles 6] [--cycle 2]
    sudo .venv/bin/python bench/poll.py --links 100000 --cycle 60 --minutes 3

Runs on its own database (redegov_bench) and nftables table; documented in docs/benchmarks.md.
"""

import argparse
import random
import statistics
import subprocess
import time
from datetime import timedelta

from common import demo_links, django_setup

TABLE = "redegov_bench"


def build(links: int) -> None:
    """The network of `links` links, monitoring tables emptied, the demo's own links moved to
    127.200-201 (clear of a running demo's simulator)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_outage, monitoring_redundancyloss, monitoring_blindperiod, "
            "monitoring_enginecursor, monitoring_pollwindow, monitoring_snmpsample CASCADE"
        )
    demo_links(links)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE inventory_link l SET
                mgmt_ip = inet '127.200.0.0' + n.k,
                mgmt_ip_secondary = CASE WHEN l.mgmt_ip_secondary IS NULL THEN NULL
                                         ELSE inet '127.201.0.0' + n.k END
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM inventory_link
                  WHERE circuit_id NOT LIKE 'BENCH-%%') n
            WHERE l.id = n.id
            """
        )
        cursor.execute("ANALYZE")


# fping 5.1 numbers its echoes in 16 bits, each number held 10 s: it refuses to start when
# hosts x count passes 65 535 (at -c5, 13 107 hosts).
FPING_MAX_HOSTS = 13_000


def fping_seconds(addresses: list[str], interval: float) -> tuple[float, int, int]:
    """fping's wall seconds for 5 echoes to each address `interval` apart (as the cycle sends
    them), how many addresses answered and how many fping processes it took (one per
    FPING_MAX_HOSTS addresses, run side by side)."""
    chunks = [addresses[i : i + FPING_MAX_HOSTS] for i in range(0, len(addresses), FPING_MAX_HOSTS)]
    began = time.perf_counter()
    processes = [
        subprocess.Popen(  # noqa: S603 - Debian's fping, our own arguments
            ["fping", "-c5", f"-p{int(interval * 1000)}", "-i0", "-q"],  # noqa: S607
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in chunks
    ]
    for process, chunk in zip(processes, chunks, strict=True):
        process.stdin.write("\n".join(chunk))  # fping reads every target before it starts
        process.stdin.close()
    outputs = [process.stderr.read() for process in processes]
    for process in processes:
        process.wait()
    seconds = time.perf_counter() - began
    alive = sum(" min/avg/max " in line for output in outputs for line in output.splitlines())
    return seconds, alive, len(chunks)


def run_cycles(count: int | None, minutes: float | None, length: timedelta) -> list[tuple]:
    """Cycles on their schedule; (cycle id, wall, cpu, events or None when skipped)."""
    from django.utils import timezone

    from monitoring import services

    shard_id = services.shard_default().pk
    seconds = length.total_seconds()
    rows = []
    stop_at = time.time() + minutes * 60 if minutes else None
    while (count is None or len(rows) < count) and (stop_at is None or time.time() < stop_at):
        cycle_id = int(time.time() // seconds) + 1
        time.sleep(max(0.0, cycle_id * seconds - time.time()))
        wall, cpu = time.perf_counter(), time.process_time()
        events = services.cycle_poll(
            shard_id=shard_id, cycle_id=cycle_id, length=length, now=timezone.now()
        )
        rows.append((cycle_id, time.perf_counter() - wall, time.process_time() - cpu, events))
        wall_s, cpu_s = rows[-1][1], rows[-1][2]
        told = "skipped (late)" if events is None else f"{len(events)} events"
        print(f"  cycle {cycle_id}: {wall_s:.2f} s wall, {cpu_s:.2f} s CPU, {told}")
    return rows


def exactness(down: list, length: timedelta) -> None:
    """The outages the cycles wrote against the faults injected: every down link interrupted,
    no other; and, for cycles long enough to keep their bits, the month re-derived from the
    evidence (`verify_outages`) against the record."""
    from django.utils import timezone

    from monitoring.models import Outage
    from monitoring.services import shard_default
    from monitoring.verification import verify_month

    opened = set(
        Outage.objects.filter(kind="interruption", source="icmp").values_list("link_id", flat=True)
    )
    expected = {target.link_id for target in down}
    print(
        f"interruptions: {len(opened & expected)} of {len(expected)} down links, "
        f"{len(opened - expected)} elsewhere"
    )
    if length < timedelta(seconds=5):
        return
    now = timezone.localtime()
    began = time.perf_counter()
    result = verify_month(
        year=now.year, month=now.month, shard=shard_default(), now=now, length=length
    )
    print(
        f"verify_outages {result.month}: {result.windows_replayed} windows and "
        f"{result.cycles_replayed} cycles replayed in {time.perf_counter() - began:.2f} s, "
        f"{len(result.differences)} differences"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=6, help="cycles to run (without --minutes)")
    parser.add_argument("--cycle", type=float, default=2.0, help="cycle length in seconds")
    parser.add_argument("--minutes", type=float, help="run cycles on schedule for this long")
    parser.add_argument("--snmp", type=int, default=10_000, help="SNMP devices (0: skip)")
    args = parser.parse_args()
    django_setup()
    from monitoring.netsim.faults import FaultTable
    from monitoring.selectors import poll_targets
    from monitoring.services import shard_default

    began = time.perf_counter()
    build(args.links)
    targets = [t for t in poll_targets(shard=shard_default()) if t.active]
    addresses = [address for target in targets for address in target.addresses]
    rng = random.Random(1)
    chosen = rng.sample(targets, len(targets) * 7 // 100)
    down, lossy = chosen[: len(targets) * 5 // 100], chosen[len(targets) * 5 // 100 :]
    length = timedelta(seconds=args.cycle)
    interval = min(1.0, args.cycle / 10)  # as cycle_poll spreads 5 echoes
    print(
        f"{len(targets)} links, {len(addresses)} addresses (built in "
        f"{time.perf_counter() - began:.0f} s); {len(down)} down, {len(lossy)} with 10% loss; "
        f"{args.cycle:g} s cycles, echoes {interval:g} s apart"
    )
    with FaultTable(TABLE) as table:
        table.fail([a for t in down for a in t.addresses])
        table.set_loss([a for t in lossy for a in t.addresses], 10)
        rows = run_cycles(None if args.minutes else args.cycles, args.minutes, length)
        fping_wall, alive, processes = fping_seconds(addresses, interval)
    ran = [row for row in rows if row[3] is not None]
    walls = [row[1] for row in ran]
    median = statistics.median(walls)
    late = sum(row[1] > args.cycle for row in ran) + (len(rows) - len(ran))
    print(
        f"cycles: {len(ran)} run, median {median:.2f} s wall (max {max(walls):.2f}), "
        f"median {statistics.median(row[2] for row in ran):.2f} s CPU, "
        f"{len(targets) / median:,.0f} links/s; "
        f"{'every cycle finished in time' if not late else f'{late} cycles late'}"
    )
    print(
        f"fping -c5 -p{int(interval * 1000)} -i0 -q over the same {len(addresses)} addresses "
        f"({processes} process(es) side by side): {fping_wall:.2f} s wall ({alive} answered); "
        f"ratio fping / cycle {fping_wall / median:.2f}"
    )
    exactness(down, length)
    if args.snmp:
        from snmp import snmp_benchmark

        figures = snmp_benchmark(args.snmp)
        print(f"SNMP: {figures}")


if __name__ == "__main__":
    main()
