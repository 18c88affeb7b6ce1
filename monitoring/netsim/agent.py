"""SNMP v2c agents of the simulated CPEs: one asyncio process, one UDP socket for every device.

Run by `SnmpAgents` as `python -m monitoring.netsim.agent SPEC.json [--shared]`. SPEC holds the
port and the devices; SIGHUP reloads them (ifOperStatus, delay, speed...), SIGTERM or SIGINT
stops, and so does the death of the parent process. Each agent adds its pid to agents.pid
beside SPEC once it serves (and takes SIGHUP). The socket is bound to the port on every
local address and answers as the device a datagram was sent to (IP_PKTINFO), so 100 000 devices
need one file descriptor; with `--shared` several processes serve the same spec and port
(SO_REUSEPORT), for more requests per second than one core decodes.

A device answers GET and GETNEXT for its community only, by numeric OID: sysUpTime, and
ifOperStatus, ifHighSpeed, ifHCInOctets and ifHCOutOctets of its WAN ifIndex. The octet counters
grow at a fixed share of the link's speed and sysUpTime advances; a reply delay is scheduled on
the event loop, so a slow device never slows the others.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time
import zlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from monitoring.netsim import ber

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
IF_OPER_STATUS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 8)
IF_HC_IN_OCTETS = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
IF_HC_OUT_OCTETS = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10)
IF_HIGH_SPEED = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15)
IN_LOAD, OUT_LOAD = 0.30, 0.10  # the share of the link's speed its counters grow at
OPER_UP, OPER_DOWN = 1, 2
IP_PKTINFO = 8  # <linux/in.h>; the socket module does not export it
PKTINFO = "=I4s4s"  # struct in_pktinfo: ifindex, local (source) address, header destination
PKTINFO_SPACE = socket.CMSG_SPACE(struct.calcsize(PKTINFO))
MAX_DATAGRAM = 65_535
BATCH = 256  # datagrams read per wake-up, then the event loop runs the delayed replies
SOCKET_BUFFER = 8 * 2**20  # bytes: a burst of requests must not overflow the socket
PID_FILE = "agents.pid"  # beside the spec: each agent adds its pid once it serves
NO_SUCH_INSTANCE, END_OF_MIB_VIEW = (ber.NO_SUCH_INSTANCE, None), (ber.END_OF_MIB_VIEW, None)
STARTED = time.time()


@dataclass(frozen=True)
class Device:
    """One simulated CPE (one path of a link): what its agent answers."""

    ip: str
    if_index: int = 1
    speed_mbps: int = 100
    community: str = "public"
    oper_status: int = OPER_UP
    delay_ms: int = 0  # SNMP reply delay

    @classmethod
    def from_dict(cls, data: dict) -> Device:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    def mib(self, now: float) -> dict[tuple[int, ...], ber.Value]:
        """The device's objects at `now`, by OID: (BER tag, value)."""
        seed = zlib.crc32(self.ip.encode())
        elapsed = now - STARTED
        octets_per_s = self.speed_mbps * 1_000_000 / 8
        return {
            SYS_UPTIME: (ber.TIMETICKS, int((elapsed + seed % 86_400) * 100) % 2**32),
            (*IF_OPER_STATUS, self.if_index): (ber.INTEGER, self.oper_status),
            (*IF_HC_IN_OCTETS, self.if_index): (
                ber.COUNTER64,
                int(seed * 1000 + elapsed * octets_per_s * IN_LOAD) % 2**64,
            ),
            (*IF_HC_OUT_OCTETS, self.if_index): (
                ber.COUNTER64,
                int(seed * 100 + elapsed * octets_per_s * OUT_LOAD) % 2**64,
            ),
            (*IF_HIGH_SPEED, self.if_index): (ber.GAUGE32, self.speed_mbps),
        }


def write_spec(path: Path, port: int, devices: list[Device]) -> None:
    """Write the spec atomically (the agent may be reading it on SIGHUP)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"port": port, "devices": [asdict(d) for d in devices]}))
    tmp.replace(path)


def read_spec(path: Path) -> tuple[int, list[Device]]:
    spec = json.loads(path.read_text())
    return spec["port"], [Device.from_dict(d) for d in spec["devices"]]


def respond(device: Device, message: bytes, now: float) -> bytes | None:
    """The encoded response to an SNMP v2c GET or GETNEXT, or None (no answer)."""
    try:
        request = ber.decode_request(message)
    except ValueError:
        return None
    if request.community != device.community.encode():
        return None
    mib = device.mib(now)
    if request.kind == ber.GET:
        var_binds = [(oid, mib.get(oid, NO_SUCH_INSTANCE)) for oid in request.oids]
    else:
        ordered = sorted(mib)
        var_binds = []
        for oid in request.oids:
            i = bisect.bisect_right(ordered, oid)
            var_binds.append(
                (ordered[i], mib[ordered[i]]) if i < len(ordered) else (oid, END_OF_MIB_VIEW)
            )
    return ber.encode_response(request, var_binds)


class Agents:
    """The devices of a spec, reloadable."""

    def __init__(self, spec_path: Path):
        self.spec_path = spec_path
        self.reload()

    def reload(self) -> None:
        self.port, devices = read_spec(self.spec_path)
        self.devices = {d.ip: d for d in devices}


def open_socket(port: int, shared: bool) -> socket.socket:
    """The UDP socket of every device: bound to every local address, it learns each datagram's
    destination (the device) from IP_PKTINFO and answers from that address. `shared` lets the
    agent processes of one spec bind the same port; the kernel spreads the requests among them
    by source and destination."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
    sock.bind(("0.0.0.0", port))  # noqa: S104 - only datagrams to the spec's devices are answered
    sock.setblocking(False)
    return sock


class Responder:
    """Reads the socket when it is readable, a batch at a time, and answers each request as
    its device (a delay is scheduled on the event loop, so a slow device never slows the
    others)."""

    def __init__(self, agents: Agents, sock: socket.socket):
        self.agents = agents
        self.sock = sock
        self.loop = asyncio.get_running_loop()

    def on_readable(self) -> None:
        now = time.time()
        for _ in range(BATCH):
            try:
                data, ancillary, _, sender = self.sock.recvmsg(MAX_DATAGRAM, PKTINFO_SPACE)
            except BlockingIOError:
                return
            device = self.agents.devices.get(destination(ancillary))
            response = device and respond(device, data, now)
            if not response:
                continue
            if device.delay_ms:
                self.loop.call_later(device.delay_ms / 1000, self.send, response, device, sender)
            else:
                self.send(response, device, sender)

    def send(self, response: bytes, device: Device, sender: tuple[str, int]) -> None:
        pktinfo = struct.pack(PKTINFO, 0, socket.inet_aton(device.ip), bytes(4))
        with contextlib.suppress(OSError):  # a full buffer drops the reply, as a CPE would
            self.sock.sendmsg([response], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, sender)


def destination(ancillary: list[tuple[int, int, bytes]]) -> str | None:
    """The address a datagram was sent to, from its IP_PKTINFO (struct in_pktinfo)."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            _, _, address = struct.unpack(PKTINFO, data[: struct.calcsize(PKTINFO)])
            return socket.inet_ntoa(address)
    return None


async def serve(spec_path: Path, shared: bool) -> None:
    agents = Agents(spec_path)
    sock = open_socket(agents.port, shared)
    loop = asyncio.get_running_loop()
    loop.add_reader(sock, Responder(agents, sock).on_readable)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, agents.reload)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    with open(spec_path.with_name(PID_FILE), "a") as ready:  # SIGHUP reloads from now on
        ready.write(f"{os.getpid()}\n")
    print(f"serving {len(agents.devices)} SNMP agents on port {agents.port}", flush=True)
    parent = os.getppid()
    while not stop.is_set():  # an orphan stops: no agent outlives the simulator that started it
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1)
        if os.getppid() != parent:
            stop.set()
    loop.remove_reader(sock)
    sock.close()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1]), shared="--shared" in sys.argv[2:]))
