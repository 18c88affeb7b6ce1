"""SNMP benchmark: how many CPEs one poller process reads, and at what cost.

Builds `--devices` simulated CPEs on loopback (127.220.0.1 onwards, 250 per /24), serves them
with `--agents` agent processes sharing one UDP port, and reads every one `--rounds` times with
`snmp_read_many` (five OIDs per request, as the poller does); `--silent` percent of them never
answer. Prints per round the wall seconds, the poller's CPU seconds, SNMP requests/s, answered
and errors, and the agents' CPU seconds.

    .venv/bin/python bench/snmp.py [--devices 10000] [--agents 1] [--concurrency 1000]
                                   [--silent 0] [--rounds 3]

Needs no database. As root (the simulator binds to every local address). `snmp_benchmark()` is
the same for another benchmark to call (bench/poll.py).
"""

import argparse
import os
import sys
import time

from common import ROOT

sys.path.insert(0, str(ROOT))  # the project, for the imports below

from monitoring.netsim import Device, SnmpAgents
from monitoring.snmp import SnmpDevice, snmp_read_many

PORT = 16161  # not the simulator's (1161) nor the tests' (20 000 and up)
IF_INDEX = 3


def bench_addresses(count: int) -> list[str]:
    """127.220.0.1 onwards, 250 addresses per /24: 100 000 fit in 127.220-221."""
    return [f"127.{220 + n // 62_500}.{n // 250 % 250}.{n % 250 + 1}" for n in range(count)]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def snmp_benchmark(
    devices: int,
    *,
    agents: int = 1,
    concurrency: int = 1000,
    silent_pct: int = 0,
    rounds: int = 1,
    report=None,
) -> dict:
    """Read `devices` simulated CPEs `rounds` times; the figures of the fastest round. Every
    (100 / `silent_pct`)th CPE has another community, so its agent never answers (a dead CPE:
    every try times out). `report` is called with each round's figures as it ends."""
    addresses = bench_addresses(devices)
    targets = [SnmpDevice(ip, PORT, "public", IF_INDEX) for ip in addresses]
    every = 100 // silent_pct if silent_pct else 0
    simulated = [
        Device(ip, if_index=IF_INDEX, community="silent" if every and n % every == 0 else "public")
        for n, ip in enumerate(addresses)
    ]
    started = time.monotonic()
    results = []
    with SnmpAgents(simulated, port=PORT, processes=agents) as simulator:
        ready = time.monotonic() - started
        for _ in range(rounds):
            agents_cpu, cpu, wall = (
                cpu_seconds(simulator.pids),
                time.process_time(),
                time.monotonic(),
            )
            readings = snmp_read_many(targets, concurrency=concurrency)
            wall = time.monotonic() - wall
            errors = sum(1 for reading in readings.values() if reading.error)
            results.append(
                {
                    "devices": devices,
                    "agents": agents,
                    "concurrency": concurrency,
                    "silent_pct": silent_pct,
                    "agents_ready_s": ready,
                    "wall_s": wall,
                    "cpu_s": time.process_time() - cpu,
                    "agents_cpu_s": cpu_seconds(simulator.pids) - agents_cpu,
                    "requests_per_s": devices / wall,
                    "answered": devices - errors,
                    "errors": errors,
                }
            )
            if report:
                report(results[-1])
    return min(results, key=lambda result: result["wall_s"])


def print_round(result: dict) -> None:
    print(
        f"{result['devices']} devices: {result['wall_s']:.2f} s wall, "
        f"{result['cpu_s']:.2f} s CPU (poller), {result['requests_per_s']:,.0f} SNMP requests/s, "
        f"{result['answered']} answered, {result['errors']} errors; "
        f"agents {result['agents_cpu_s']:.2f} s CPU in {result['agents']} process(es)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=1, help="agent processes")
    parser.add_argument("--concurrency", type=int, default=1000, help="requests in flight")
    parser.add_argument("--silent", type=int, default=0, help="%% of CPEs that never answer")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    best = snmp_benchmark(
        args.devices,
        agents=args.agents,
        concurrency=args.concurrency,
        silent_pct=args.silent,
        rounds=args.rounds,
        report=print_round,
    )
    print(f"agents ready in {best['agents_ready_s']:.1f} s; best round:")
    print_round(best)


if __name__ == "__main__":
    main()
