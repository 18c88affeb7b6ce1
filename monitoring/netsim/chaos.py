"""Random faults for the demo: links fail and come back, some lose packets, the canaries go down
now and then. Seeded, so that a run can be replayed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from monitoring.netsim.faults import FaultTable


@dataclass(frozen=True)
class SimLink:
    """A link of the simulated network: its circuit id and the addresses of its paths."""

    circuit_id: str
    paths: tuple[str, ...]  # one, or two for a redundant access


class Chaos:
    """One `step()` every few seconds (5 by default): ends the faults that are due, then maybe
    starts new ones. `log` receives one line per action.

    Durations are in steps and sized for the production 60-second cycle: a failure lasts 3 to
    15 minutes (an interruption needs three failed cycles), a loss 5 to 15 minutes (it must
    spoil most of a 5-minute window), a blind spell 1 to 3 minutes (at least one cycle)."""

    def __init__(
        self,
        table: FaultTable,
        links: list[SimLink],
        log: Callable[[str], None],
        seed: int | None = None,
        max_failed: int = 8,
    ):
        self.table = table
        self.links = links
        self.log = log
        self.rng = random.Random(seed)  # noqa: S311 - a demo's dice, not a secret
        self.max_failed = max_failed
        self.faults: dict[str, tuple[int, list[str]]] = {}  # circuit id -> (steps left, addresses)
        self.lossy: dict[str, int] = {}  # circuit id -> steps left
        self.blind_steps = 0

    def step(self) -> None:
        self._expire()
        rng = self.rng
        healthy = [link for link in self.links if link.circuit_id not in self.faults]
        if healthy and len(self.faults) < self.max_failed and rng.random() < 0.4:
            link = rng.choice(healthy)
            # A redundant access loses one path most of the time, both sometimes.
            both = len(link.paths) == 1 or rng.random() < 0.4
            ips = list(link.paths) if both else [rng.choice(link.paths)]
            self.table.fail(ips)
            self.faults[link.circuit_id] = (rng.randint(36, 180), ips)
            self.log(f"fail {link.circuit_id} {' '.join(ips)}")
        if self.links and rng.random() < 0.15:
            link = rng.choice(self.links)
            pct = rng.choice([10, 25, 40, 60])
            self.table.set_loss(link.paths, pct)
            self.lossy[link.circuit_id] = rng.randint(60, 180)
            self.log(f"loss {link.circuit_id} {pct}%")
        if self.table.canaries and not self.blind_steps and rng.random() < 0.002:
            self.table.canaries_down()
            self.blind_steps = rng.randint(12, 36)
            self.log("canaries down (the NOC goes blind)")

    def _expire(self) -> None:
        for circuit_id, (left, ips) in list(self.faults.items()):
            if left > 1:
                self.faults[circuit_id] = (left - 1, ips)
            else:
                del self.faults[circuit_id]
                self.table.restore(ips)
                self.log(f"restore {circuit_id} {' '.join(ips)}")
        by_id = {link.circuit_id: link for link in self.links}
        for circuit_id, left in list(self.lossy.items()):
            if left > 1:
                self.lossy[circuit_id] = left - 1
            else:
                del self.lossy[circuit_id]
                self.table.set_loss(by_id[circuit_id].paths, 0)
                self.log(f"loss {circuit_id} cleared")
        if self.blind_steps:
            self.blind_steps -= 1
            if not self.blind_steps:
                self.table.canaries_up()
                self.log("canaries up")
