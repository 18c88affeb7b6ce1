"""`manage.py netsim`: the simulated network of the live links, and its faults.

netsim [--chaos] [--seed N] ...      run: SNMP agents on every live link's management
                                     addresses, the fault table, a slow responder; until
                                     Ctrl-C or SIGTERM, then everything is removed
netsim fail CIRCUIT [--path 1|2]     one-off operations on the running simulator's table,
netsim restore CIRCUIT [--path 1|2]  from another shell
netsim loss CIRCUIT PCT
netsim slow CIRCUIT | fast CIRCUIT   replies after --slow-ms (the running simulator's)
netsim clear CIRCUIT                 every fault of the link
netsim oper CIRCUIT down|up          its agent's ifOperStatus (ICMP still answers)
netsim canaries down|up
netsim status
"""

from __future__ import annotations

import inspect
import shutil
import signal
import time
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inventory.models import Link
from monitoring.netsim import (
    DEFAULT_CANARY,
    DEFAULT_TABLE,
    OPER_DOWN,
    OPER_UP,
    Device,
    FaultTable,
    SlowResponder,
    SnmpAgents,
    loopback,
)
from monitoring.netsim.chaos import Chaos, SimLink

STATE_ROOT = Path("/run/redegov_netsim")
ACTIONS = ["run", "fail", "restore", "loss", "slow", "fast", "clear", "oper", "canaries", "status"]


class Command(BaseCommand):
    help = "Simulated network of the live links (loopback ICMP and SNMP) and its faults."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="run", choices=ACTIONS)
        parser.add_argument("operands", nargs="*", help="circuit id, then a value")
        parser.add_argument("--path", type=int, choices=[1, 2], help="one path of a redundant link")
        parser.add_argument("--chaos", action="store_true", help="random faults, for the demo")
        parser.add_argument("--seed", type=int, help="chaos seed (a run can be replayed)")
        parser.add_argument("--interval", type=float, default=5, help="seconds between chaos steps")
        parser.add_argument("--duration", type=float, help="stop after so many seconds")
        parser.add_argument("--table", default=DEFAULT_TABLE, help="nftables table name")
        parser.add_argument(
            "--snmp-port", type=int, help="serve every agent on this port (default: each link's)"
        )
        parser.add_argument("--slow-ms", type=int, default=300, help="delay of slow links")
        parser.add_argument(
            "--canary", action="append", default=None, help="canary address (repeatable)"
        )

    def handle(self, *args, action, **options):
        self.options = options
        canaries = options["canary"] or [DEFAULT_CANARY]
        self.table = FaultTable(options["table"], canaries)
        self.state_dir = STATE_ROOT / options["table"]
        if action == "run":
            self.run()
            return
        if not self.table.exists():
            raise CommandError(f"netsim is not running (no table {options['table']})")
        operation = getattr(self, f"do_{action}")
        try:
            inspect.signature(operation).bind(*options["operands"])
        except TypeError as exc:
            raise CommandError(f"netsim {action}: wrong arguments (see --help)") from exc
        operation(*options["operands"])

    # -- the simulator --------------------------------------------------------------------------

    def run(self) -> None:
        links = self.links()
        by_port: dict[int, list[Device]] = defaultdict(list)
        for link, row in links:
            for ip in link.paths:
                by_port[row["port"]].append(
                    Device(ip, row["if_index"], row["speed_mbps"], row["snmp_community"])
                )
        signal.signal(signal.SIGTERM, _interrupt)
        agents = [
            SnmpAgents(devices, port, self.state_dir / f"snmp-{port}")
            for port, devices in by_port.items()
        ]
        responder = SlowResponder(self.options["slow_ms"], mark=self.table.mark)
        chaos = Chaos(self.table, [link for link, _ in links], self.say, self.options["seed"])
        started = time.monotonic()
        try:
            self.table.create()
            responder.start()
            for agent in agents:
                agent.start()
            self.say(
                f"{len(links)} links, {sum(map(len, by_port.values()))} SNMP agents on port(s) "
                f"{', '.join(map(str, by_port))}, table {self.table.name}, ready in "
                f"{time.monotonic() - started:.1f} s; Ctrl-C stops"
            )
            duration = self.options["duration"]
            while duration is None or time.monotonic() - started < duration:
                time.sleep(self.options["interval"])
                if self.options["chaos"]:
                    chaos.step()
        except KeyboardInterrupt:
            pass
        finally:
            self.say("stopping")
            for agent in agents:
                agent.stop()
            responder.stop()
            self.table.delete()
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def links(self) -> list[tuple[SimLink, dict]]:
        """The live links with loopback management addresses (others are skipped, loudly)."""
        result = []
        rows = Link.objects.exclude(status="cancelled").values(
            "circuit_id",
            "mgmt_ip",
            "mgmt_ip_secondary",
            "snmp_community",
            "snmp_port",
            "if_index",
            "speed_mbps",
        )
        for row in rows:
            try:
                paths = tuple(
                    loopback(ip) for ip in (row["mgmt_ip"], row["mgmt_ip_secondary"]) if ip
                )
            except ValueError as exc:
                self.stderr.write(f"skipping {row['circuit_id']}: {exc}")
                continue
            row["port"] = self.options["snmp_port"] or row["snmp_port"]
            result.append((SimLink(row["circuit_id"], paths), row))
        return result

    def say(self, message: str) -> None:
        self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {message}")

    # -- one-off operations ---------------------------------------------------------------------

    def paths(self, circuit_id: str) -> list[str]:
        try:
            link = Link.objects.get(circuit_id=circuit_id)
        except Link.DoesNotExist as exc:
            raise CommandError(f"unknown circuit {circuit_id}") from exc
        paths = [ip for ip in (link.mgmt_ip, link.mgmt_ip_secondary) if ip]
        if self.options["path"]:
            if self.options["path"] > len(paths):
                raise CommandError(f"{circuit_id} has no path {self.options['path']}")
            paths = [paths[self.options["path"] - 1]]
        return paths

    def do_fail(self, circuit_id: str) -> None:
        self.table.fail(self.paths(circuit_id))
        self.say(f"fail {circuit_id}")

    def do_restore(self, circuit_id: str) -> None:
        self.table.restore(self.paths(circuit_id))
        self.say(f"restore {circuit_id}")

    def do_loss(self, circuit_id: str, pct: str) -> None:
        self.table.set_loss(self.paths(circuit_id), int(pct))
        self.say(f"loss {circuit_id} {pct}%")

    def do_slow(self, circuit_id: str) -> None:
        self.table.set_slow(self.paths(circuit_id))
        self.say(f"slow {circuit_id}")

    def do_fast(self, circuit_id: str) -> None:
        self.table.clear_slow(self.paths(circuit_id))
        self.say(f"fast {circuit_id}")

    def do_clear(self, circuit_id: str) -> None:
        self.table.clear(self.paths(circuit_id))
        self.say(f"clear {circuit_id}")

    def do_oper(self, circuit_id: str, state: str) -> None:
        _up_or_down(state)
        link = Link.objects.get(circuit_id=circuit_id)
        port = self.options["snmp_port"] or link.snmp_port
        agents = SnmpAgents.attach(self.state_dir / f"snmp-{port}")
        for ip in self.paths(circuit_id):
            agents.update(ip, oper_status=OPER_DOWN if state == "down" else OPER_UP)
        self.say(f"oper {circuit_id} {state}")

    def do_canaries(self, state: str) -> None:
        if _up_or_down(state) == "down":
            self.table.canaries_down()
        else:
            self.table.canaries_up()
        self.say(f"canaries {state}")

    def do_status(self) -> None:
        status = self.table.status()
        circuits = {}
        for link in Link.objects.exclude(status="cancelled").only(
            "circuit_id", "mgmt_ip", "mgmt_ip_secondary"
        ):
            circuits[link.mgmt_ip] = link.circuit_id
            if link.mgmt_ip_secondary:
                circuits[link.mgmt_ip_secondary] = f"{link.circuit_id} (path 2)"
        for ip in status["down"]:
            self.stdout.write(f"down  {ip:15} {circuits.get(ip, 'canary')}")
        for ip, pct in status["loss"].items():
            self.stdout.write(f"loss  {ip:15} {circuits.get(ip, '')} {pct}%")
        for ip in status["slow"]:
            self.stdout.write(f"slow  {ip:15} {circuits.get(ip, '')}")
        if not any(status.values()):
            self.stdout.write("no faults")


def _up_or_down(state: str) -> str:
    if state not in ("down", "up"):
        raise CommandError(f"expected down or up, not {state!r}")
    return state


def _interrupt(signum, frame):
    raise KeyboardInterrupt
