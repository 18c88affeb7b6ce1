"""Faults injected for real into the loopback network, through an nftables table of our own.

The table (family inet) holds:
- set `down`: a dead CPE. Its echo requests and every UDP datagram to it (SNMP) are dropped in
  the input hook, so the sender's sendto() succeeds and no answer ever comes (a drop in the output
  hook would make sendto() fail at once, which is not what a dead link looks like);
- map `loss`: address -> `jump loss_N`, a chain that drops `numgen random mod 100 < N` of the echo
  requests (one chain per percentage in use);
- set `slow`: in the output hook, the kernel's own echo replies from these addresses (mark 0) are
  dropped, so only a `SlowResponder` answering with this table's packet mark, after its delay, is
  heard. The responder answers every echo request it sees; its replies from addresses that are not
  slow are dropped by the same chain, so every address gets exactly one reply.

Only loopback addresses (127.0.0.0/8) are ever accepted: anything else raises ValueError.
"""

from __future__ import annotations

import ipaddress
import json
import re
import subprocess
import zlib
from collections.abc import Iterable

NFT = "/usr/sbin/nft"
DEFAULT_TABLE = "redegov_netsim"
DEFAULT_CANARY = "127.255.255.1"  # the simulated NOC edge router (seed_demo registers it)
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def loopback(ip: str) -> str:
    """The address in canonical form, or ValueError when it is not a loopback IPv4 address."""
    try:
        address = ipaddress.ip_address(str(ip).strip())
    except ValueError as exc:
        raise ValueError(f"not an IP address: {ip!r}") from exc
    if address.version != 4 or address not in LOOPBACK:
        raise ValueError(f"netsim only touches loopback addresses (127.0.0.0/8), not {ip}")
    return str(address)


def loopbacks(ips: Iterable[str]) -> list[str]:
    """Every address checked (all or nothing) and deduplicated, in order."""
    return list(dict.fromkeys(loopback(ip) for ip in ips))


def table_mark(name: str) -> int:
    """The packet mark of a table's slow responder: derived from the name, so that the slow
    responders of parallel test workers never pass each other's tables; never 0."""
    return (zlib.crc32(name.encode()) & 0x7FFF_FFFF) | 0x100


class FaultTable:
    """The nftables table that fails, loses and slows loopback addresses. A context manager:
    created on entry, deleted on exit."""

    def __init__(self, name: str = DEFAULT_TABLE, canaries: Iterable[str] = ()):
        if not _TABLE_NAME.match(name):
            raise ValueError(f"bad nftables table name: {name!r}")
        self.name = name
        self.canaries = loopbacks(canaries)
        self.mark = table_mark(name)

    # -- life cycle -----------------------------------------------------------------------------

    def create(self) -> FaultTable:
        """Create the table, or keep an existing one and its faults (idempotent)."""
        self._run(
            f"""
            add table inet {self.name}
            add set inet {self.name} down {{ type ipv4_addr; }}
            add set inet {self.name} slow {{ type ipv4_addr; }}
            add map inet {self.name} loss {{ type ipv4_addr : verdict; }}
            add chain inet {self.name} input {{ type filter hook input priority -10; }}
            add chain inet {self.name} output {{ type filter hook output priority -10; }}
            flush chain inet {self.name} input
            flush chain inet {self.name} output
            add rule inet {self.name} input ip daddr @down icmp type echo-request drop
            add rule inet {self.name} input ip daddr @down meta l4proto udp drop
            add rule inet {self.name} input icmp type echo-request ip daddr vmap @loss
            add rule inet {self.name} output icmp type echo-reply meta mark 0 ip saddr @slow drop
            add rule inet {self.name} output icmp type echo-reply meta mark {self.mark} \
                ip saddr != @slow drop
            """
        )
        return self

    def delete(self) -> None:
        """Delete the table and every fault in it (nothing happens when it does not exist)."""
        if self.exists():
            self._run(f"delete table inet {self.name}")

    def exists(self) -> bool:
        return self._nft("list", "table", "inet", self.name, check=False).returncode == 0

    def __enter__(self) -> FaultTable:
        return self.create()

    def __exit__(self, *exc_info) -> None:
        self.delete()

    # -- faults ---------------------------------------------------------------------------------

    def fail(self, ips: Iterable[str]) -> None:
        """The addresses stop answering ICMP and SNMP."""
        self._add("down", loopbacks(ips))

    def restore(self, ips: Iterable[str]) -> None:
        """The addresses answer again (their loss and slowness, if any, stay)."""
        self._remove("down", loopbacks(ips))

    def set_loss(self, ips: Iterable[str], pct: int) -> None:
        """Drop `pct`% of the echo requests to the addresses at random (0 removes the loss)."""
        ips = loopbacks(ips)
        if not 0 <= pct <= 100:
            raise ValueError(f"loss must be 0-100%, not {pct}")
        self._remove("loss", ips)
        if pct and ips:
            chain = f"loss_{pct}"
            elements = ", ".join(f"{ip} : jump {chain}" for ip in ips)
            self._run(
                f"""
                add chain inet {self.name} {chain}
                flush chain inet {self.name} {chain}
                add rule inet {self.name} {chain} numgen random mod 100 < {pct} drop
                add element inet {self.name} loss {{ {elements} }}
                """
            )

    def set_slow(self, ips: Iterable[str]) -> None:
        """Only the `SlowResponder` with this table's mark answers the addresses' echoes."""
        self._add("slow", loopbacks(ips))

    def clear_slow(self, ips: Iterable[str]) -> None:
        self._remove("slow", loopbacks(ips))

    def clear(self, ips: Iterable[str]) -> None:
        """Every fault of the addresses removed at once."""
        ips = loopbacks(ips)
        for name in ("down", "loss", "slow"):
            self._remove(name, ips)

    def canaries_down(self) -> None:
        """The NOC's canaries stop answering: the NOC is blind."""
        self.fail(self.canaries)

    def canaries_up(self) -> None:
        self.restore(self.canaries)

    def status(self) -> dict:
        """The faults in place: {"down": [ip], "slow": [ip], "loss": {ip: pct}}."""
        return {
            "down": sorted(self._members("down"), key=ipaddress.ip_address),
            "slow": sorted(self._members("slow"), key=ipaddress.ip_address),
            "loss": {
                ip: int(verdict["jump"]["target"].removeprefix("loss_"))
                for ip, verdict in sorted(
                    self._members("loss").items(), key=lambda item: ipaddress.ip_address(item[0])
                )
            },
        }

    # -- nft ------------------------------------------------------------------------------------

    def _add(self, name: str, ips: list[str]) -> None:
        if ips:
            self._run(f"add element inet {self.name} {name} {{ {', '.join(ips)} }}")

    def _remove(self, name: str, ips: list[str]) -> None:
        """Delete the addresses that are in the set or map (nft refuses to delete absent ones)."""
        present = self._members(name)
        gone = [ip for ip in ips if ip in present]
        if gone:
            self._run(f"delete element inet {self.name} {name} {{ {', '.join(gone)} }}")

    def _members(self, name: str) -> dict:
        """The elements of a set (values None) or map (values the verdicts), by address."""
        kind = "map" if name == "loss" else "set"
        out = self._nft("-j", "list", kind, "inet", self.name, name).stdout
        for item in json.loads(out)["nftables"]:
            if kind in item:
                elements = item[kind].get("elem", [])
                return dict(tuple(e) if isinstance(e, list) else (e, None) for e in elements)
        return {}

    def _run(self, script: str) -> None:
        self._nft("-f", "-", input=script)

    @staticmethod
    def _nft(*args: str, input: str | None = None, check: bool = True):
        result = subprocess.run(  # noqa: S603
            [NFT, *args], input=input, capture_output=True, text=True, check=False
        )
        if check and result.returncode:
            raise RuntimeError(f"nft {' '.join(args)} failed: {result.stderr.strip()}")
        return result
