"""Detection benchmark: do real faults become exact outages, and nothing else?

Injects `--faults` failures at random instants on a simulated network polled with a short cycle,
with `--loss`% random loss on every link all along, and prints the outages opened, the error of
their start and end against the true fault instants (in cycles), false interruptions and false
degraded windows (both must be 0), and the delay between a restore and the outage's closing.

A degraded window is false when its link had no fault in it: the random loss alone made it.
A window that holds a fault may rightly be degraded (its failed cycles' echoes are lost echoes,
docs/domain.md section 4), clipped against the interruption; those are counted apart.

    sudo .venv/bin/python bench/detection.py [--links 300] [--faults 100] [--cycle 5] [--seed 1]

Runs on its own database (redegov_bench) and nftables table, on 127.200.0.0/15.
"""

import argparse
import random
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from common import bench_network, django_setup


@dataclass
class Fault:
    link_id: int
    addresses: list[str]
    start: float  # epoch seconds
    end: float
    closed_seen_at: float | None = None


def plan_faults(links, *, count: int, cycle: float, duration: float, rng) -> list[Fault]:
    """`count` faults on distinct links, each 4 to 10 cycles long, at random instants."""
    chosen = rng.sample(links, count)
    faults = []
    for link in chosen:
        length = rng.randint(4, 10) * cycle + rng.random() * cycle
        start = rng.uniform(3 * cycle, duration - length - 4 * cycle)
        paths = [link.mgmt_ip] + ([link.mgmt_ip_secondary] if link.mgmt_ip_secondary else [])
        faults.append(Fault(link.pk, paths, start, start + length))
    return faults


def inject(table, faults: list[Fault], t0: float, stop: threading.Event) -> None:
    """Fail and restore each fault's addresses at its instants (epoch = t0 + offset)."""
    events = sorted(
        [(t0 + f.start, "fail", f) for f in faults] + [(t0 + f.end, "restore", f) for f in faults],
        key=lambda e: e[0],
    )
    for at, action, fault in events:
        while not stop.is_set() and time.time() < at:
            time.sleep(min(0.05, at - time.time()))
        if stop.is_set():
            return
        getattr(table, action)(fault.addresses)
        if action == "fail":
            fault.start = time.time()
        else:
            fault.end = time.time()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=300)
    parser.add_argument("--faults", type=int, default=100)
    parser.add_argument("--cycle", type=float, default=5.0, help="seconds per poll cycle")
    parser.add_argument("--duration", type=float, default=0, help="seconds (0: fit the faults)")
    parser.add_argument("--loss", type=int, default=2, help="random loss on every link, %%")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    django_setup()

    from django.utils import timezone

    from monitoring import services
    from monitoring.choices import OutageKind
    from monitoring.models import Outage
    from monitoring.netsim import FaultTable

    rng = random.Random(args.seed)
    links = bench_network(links=args.links, seed=args.seed)
    active = [link for link in links if link.status == "active"]  # ordered links open nothing
    # At most a tenth of the links down at once: a mass failure would (rightly) be blindness.
    duration = args.duration or max(120 * args.cycle, args.faults * 12 * args.cycle / 10)
    faults = plan_faults(active, count=args.faults, cycle=args.cycle, duration=duration, rng=rng)
    length = timedelta(seconds=args.cycle)
    addresses = [a for link in links for a in (link.mgmt_ip, link.mgmt_ip_secondary) if a]
    print(
        f"{len(links)} links ({len(addresses)} addresses), {len(faults)} faults, "
        f"{args.loss}% loss everywhere, cycle {args.cycle:g} s, {duration:.0f} s"
    )
    with FaultTable("redegov_bench") as table:
        table.set_loss(addresses, args.loss)
        stop = threading.Event()
        t0 = (int(time.time() / args.cycle) + 1) * args.cycle
        for fault in faults:
            fault.start, fault.end = fault.start + t0, fault.end + t0
        injector = threading.Thread(target=inject, args=(table, faults, 0, stop), daemon=True)
        injector.start()
        by_link = {f.link_id: f for f in faults}
        shard_id = services.shard_default().pk
        cycles_run = cycles_late = 0
        poll_seconds = []
        try:
            while time.time() < t0 + duration:
                cycle_id = int(time.time() // args.cycle) + 1
                time.sleep(max(0.0, cycle_id * args.cycle - time.time()))
                began = time.monotonic()
                result = services.cycle_poll(
                    shard_id=shard_id, cycle_id=cycle_id, length=length, now=timezone.now()
                )
                poll_seconds.append(time.monotonic() - began)
                cycles_run += 1
                cycles_late += result is None
                closed = Outage.objects.filter(
                    link_id__in=by_link, kind=OutageKind.INTERRUPTION, end__isnull=False
                ).values_list("link_id", flat=True)
                for link_id in closed:
                    if by_link[link_id].closed_seen_at is None:
                        by_link[link_id].closed_seen_at = time.time()
        finally:
            stop.set()
            injector.join()

    report(faults, by_link, args.cycle, cycles_run, cycles_late, poll_seconds)


def report(faults, by_link, cycle, cycles_run, cycles_late, poll_seconds) -> None:
    from monitoring.choices import OutageKind
    from monitoring.models import BlindPeriod, Outage

    interruptions = list(Outage.objects.filter(kind=OutageKind.INTERRUPTION))
    window = 300  # seconds: the default 5-minute degradation window
    degraded_with_fault = degraded_false = 0
    for outage in Outage.objects.filter(kind=OutageKind.DEGRADATION):
        start = outage.start.timestamp() - outage.start.timestamp() % window
        fault = by_link.get(outage.link_id)
        if fault and fault.start < start + window and fault.end > start:
            degraded_with_fault += 1
        else:
            degraded_false += 1
    matched = [o for o in interruptions if o.link_id in by_link]
    false = [o for o in interruptions if o.link_id not in by_link]
    start_errors = [(o.start.timestamp() - by_link[o.link_id].start) / cycle for o in matched]
    end_errors = [
        (o.end.timestamp() - by_link[o.link_id].end) / cycle for o in matched if o.end is not None
    ]
    delays = [f.closed_seen_at - f.end for f in faults if f.closed_seen_at is not None]
    per_link = {}
    for o in matched:
        per_link[o.link_id] = per_link.get(o.link_id, 0) + 1

    def summary(values, unit):
        if not values:
            return "n/a"
        return (
            f"min {min(values):.2f} / mean {statistics.mean(values):.2f} / "
            f"max {max(values):.2f} {unit}"
        )

    print(f"cycles run                     {cycles_run} ({cycles_late} skipped as late)")
    print(f"poll + record per cycle        {summary(poll_seconds, 's')}")
    print(f"faults injected                {len(faults)}")
    print(f"outages opened for them        {len(matched)} on {len(per_link)} links")
    print(f"faults missed                  {len(faults) - len(per_link)}")
    print(f"faults split in two or more    {sum(1 for n in per_link.values() if n > 1)}")
    print(f"start error (cycles)           {summary(start_errors, '')}")
    print(f"end error (cycles)             {summary(end_errors, '')}")
    print(f"delay to close after restore   {summary(delays, 's')}")
    print(f"false interruptions            {len(false)}")
    print(f"degraded windows with a fault  {degraded_with_fault} (pieces, by rule)")
    print(f"false degraded windows         {degraded_false}")
    print(f"blind periods                  {BlindPeriod.objects.count()}")


if __name__ == "__main__":
    main()
