"""SNMP v2c agents of the simulated CPEs: one asyncio process, one UDP socket per device.

Run by `SnmpAgents` as `python -m monitoring.netsim.agent SPEC.json`. SPEC holds the port and the
devices; SIGHUP reloads the devices' values from it (ifOperStatus, delay, speed...), SIGTERM or
SIGINT stops, and so does the death of the parent process. A device answers GET and GETNEXT for
its community only, by numeric OID: sysUpTime, and ifOperStatus, ifHighSpeed, ifHCInOctets and
ifHCOutOctets of its WAN ifIndex. The octet counters grow at a fixed share of the link's speed
and sysUpTime advances; a reply delay is scheduled on the event loop, so a slow device never
slows the others.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import os
import resource
import signal
import sys
import time
import zlib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api, rfc1902, rfc1905

SYS_UPTIME = (1, 3, 6, 1, 2, 1, 1, 3, 0)
IF_OPER_STATUS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 8)
IF_HC_IN_OCTETS = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
IF_HC_OUT_OCTETS = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 10)
IF_HIGH_SPEED = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15)
IN_LOAD, OUT_LOAD = 0.30, 0.10  # the share of the link's speed its counters grow at
OPER_UP, OPER_DOWN = 1, 2
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

    def mib(self, now: float) -> dict[tuple[int, ...], object]:
        """The device's objects at `now`, by OID."""
        seed = zlib.crc32(self.ip.encode())
        elapsed = now - STARTED
        octets_per_s = self.speed_mbps * 1_000_000 / 8
        return {
            SYS_UPTIME: rfc1902.TimeTicks(int((elapsed + seed % 86_400) * 100) % 2**32),
            (*IF_OPER_STATUS, self.if_index): rfc1902.Integer(self.oper_status),
            (*IF_HC_IN_OCTETS, self.if_index): rfc1902.Counter64(
                int(seed * 1000 + elapsed * octets_per_s * IN_LOAD) % 2**64
            ),
            (*IF_HC_OUT_OCTETS, self.if_index): rfc1902.Counter64(
                int(seed * 100 + elapsed * octets_per_s * OUT_LOAD) % 2**64
            ),
            (*IF_HIGH_SPEED, self.if_index): rfc1902.Gauge32(self.speed_mbps),
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
    pmod = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    try:
        if api.decodeMessageVersion(message) != api.SNMP_VERSION_2C:
            return None
        request, _ = decoder.decode(message, asn1Spec=pmod.Message())
    except PyAsn1Error:
        return None
    if bytes(pmod.apiMessage.get_community(request)) != device.community.encode():
        return None
    pdu = pmod.apiMessage.get_pdu(request)
    asked = [tuple(oid) for oid, _ in pmod.apiPDU.get_varbinds(pdu)]
    mib = device.mib(now)
    if pdu.isSameTypeWith(pmod.GetRequestPDU()):
        var_binds = [(oid, mib.get(oid, rfc1905.noSuchInstance)) for oid in asked]
    elif pdu.isSameTypeWith(pmod.GetNextRequestPDU()):
        ordered = sorted(mib)
        var_binds = []
        for oid in asked:
            i = bisect.bisect_right(ordered, oid)
            var_binds.append(
                (ordered[i], mib[ordered[i]]) if i < len(ordered) else (oid, rfc1905.endOfMibView)
            )
    else:
        return None
    response = pmod.apiMessage.get_response(request)
    pmod.apiPDU.set_varbinds(pmod.apiMessage.get_pdu(response), var_binds)
    return encoder.encode(response)


class Agents:
    """The devices of a spec, reloadable."""

    def __init__(self, spec_path: Path):
        self.spec_path = spec_path
        self.port, devices = read_spec(spec_path)
        self.devices = {d.ip: d for d in devices}

    def reload(self) -> None:
        """New values for the devices already served (an address is bound only at start)."""
        _, devices = read_spec(self.spec_path)
        self.devices = {d.ip: d for d in devices if d.ip in self.devices}


class Endpoint(asyncio.DatagramProtocol):
    def __init__(self, agents: Agents, ip: str):
        self.agents = agents
        self.ip = ip
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        device = self.agents.devices.get(self.ip)
        response = device and respond(device, data, time.time())
        if not response:
            return
        if device.delay_ms:
            asyncio.get_running_loop().call_later(
                device.delay_ms / 1000, self.transport.sendto, response, addr
            )
        else:
            self.transport.sendto(response, addr)


def raise_nofile_limit(needed: int) -> None:
    """One socket per device: the default soft limit (1 024) is not enough for thousands."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


async def serve(spec_path: Path) -> None:
    agents = Agents(spec_path)
    raise_nofile_limit(len(agents.devices) + 64)
    loop = asyncio.get_running_loop()
    for ip in agents.devices:
        await loop.create_datagram_endpoint(
            lambda ip=ip: Endpoint(agents, ip), local_addr=(ip, agents.port)
        )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, agents.reload)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print(f"serving {len(agents.devices)} SNMP agents on port {agents.port}", flush=True)
    parent = os.getppid()
    while not stop.is_set():  # an orphan stops: no agent outlives the simulator that started it
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1)
        if os.getppid() != parent:
            stop.set()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
