"""SNMP v2c GETs of the WAN interface of many CPEs at once (pysnmp 7 protocol API, asyncio).

One UDP socket and one event loop per worker process. Each request is built from a template per
(community, ifIndex) with pysnmp's v2c protocol API and asks all five objects at once; the replies
are decoded with pysnmp's message spec and matched to their request by request-id and source
address. OIDs are numeric and nothing is looked up in MIBs (pysnmp ships no IF-MIB).

Why not pysnmp's high-level `get_cmd`: it cost 2.4 ms of CPU per request in a warm process and
17 ms for the first request to each target (a fresh worker had not read 10 000 CPEs after 16
minutes), so 100 000 CPEs needed 4 minutes of CPU per 5-minute cycle at best. This poller costs
about 1 ms per request, nearly all of it pyasn1 decoding the reply: 100 000 CPEs in about two
minutes on one core (docs/benchmarks.md, "SNMP at scale").

A device that does not answer, or answers nonsense, yields a reading with `error` set (in
Portuguese, for the NOC) and never stops the others."""

import asyncio
import contextlib
import functools
import ipaddress
import socket
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import univ
from pysnmp.proto.api import v2c

from monitoring.sockets import receive_buffer

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8.{}"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15.{}"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6.{}"
IF_HC_OUT_OCTETS = "1.3.6.1.2.1.31.1.1.1.10.{}"
OPER_STATUS_VALUES = range(1, 8)  # up(1) ... lowerLayerDown(7), IF-MIB
# The socket's buffers, in bytes. The default receive buffer (208 KiB) overflows near 200
# replies in flight; the send buffer is capped at net.core.wmem_max (4 MiB here), the receive
# buffer only without the privilege to force it (monitoring.sockets.receive_buffer).
SOCKET_BUFFER = 8 * 2**20
T = TypeVar("T")


@dataclass(frozen=True)
class SnmpDevice:
    address: str
    port: int
    community: str
    if_index: int


@dataclass(frozen=True)
class SnmpReading:
    uptime_ticks: int | None = None
    oper_status: int | None = None
    high_speed_mbps: int | None = None
    in_octets: int | None = None
    out_octets: int | None = None
    error: str = ""


_process: dict[str, object] = {}
_process_lock = threading.Lock()


def run_coroutine(coro: Coroutine[object, object, T]) -> T:
    """Run `coro` on this process's SNMP event loop, a daemon thread of its own: the socket is
    bound to one loop, and a caller may already be running another (Playwright's, in tests)."""
    with _process_lock:
        if "loop" not in _process:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="snmp-loop", daemon=True).start()
            _process["loop"] = loop
    return asyncio.run_coroutine_threadsafe(coro, _process["loop"]).result()  # type: ignore[arg-type]


def _oids(if_index: int) -> tuple[str, ...]:
    return (
        SYS_UPTIME,
        IF_OPER_STATUS.format(if_index),
        IF_HIGH_SPEED.format(if_index),
        IF_HC_IN_OCTETS.format(if_index),
        IF_HC_OUT_OCTETS.format(if_index),
    )


@functools.lru_cache(maxsize=1024)
def _template(community: str, if_index: int) -> tuple[v2c.Message, v2c.GetRequestPDU]:
    """The GET message of a (community, ifIndex), kept: only its request-id changes, and setting
    it and encoding costs a sixth of building the message anew."""
    pdu = v2c.GetRequestPDU()
    v2c.apiPDU.set_defaults(pdu)
    v2c.apiPDU.set_varbinds(pdu, [(v2c.ObjectIdentifier(oid), v2c.null) for oid in _oids(if_index)])
    message = v2c.Message()
    v2c.apiMessage.set_defaults(message)
    v2c.apiMessage.set_community(message, community)
    v2c.apiMessage.set_pdu(message, pdu)
    return message, v2c.apiMessage.get_pdu(message)


def _request(device: SnmpDevice, request_id: int) -> bytes:
    message, pdu = _template(device.community, device.if_index)
    v2c.apiPDU.set_request_id(pdu, request_id)
    return encoder.encode(message)


def _integer(values: dict[str, object], oid: str) -> int:
    if oid not in values:
        raise ValueError(f"{oid}: ausente na resposta")
    value = values[oid]
    if isinstance(value, v2c.NoSuchObject | v2c.NoSuchInstance | v2c.EndOfMibView):
        raise ValueError(f"{oid}: o agente não tem este objeto")
    if not isinstance(value, univ.Integer):  # Integer, Gauge32, Counter64, TimeTicks...
        raise ValueError(f"{oid}: valor não numérico {value.prettyPrint()!r}")
    return int(value)


def _reading(pdu, oids: Sequence[str]) -> SnmpReading:
    """The reading in a decoded response PDU, or what is wrong with it."""
    if not pdu.isSameTypeWith(v2c.ResponsePDU()):
        return SnmpReading(error=f"resposta SNMP inesperada: {pdu.__class__.__name__}")
    error_status = v2c.apiPDU.get_error_status(pdu)
    if error_status:
        index = v2c.apiPDU.get_error_index(pdu, muteErrors=True)
        return SnmpReading(error=f"erro SNMP {error_status.prettyPrint()} no item {index}")
    values = {str(oid): value for oid, value in v2c.apiPDU.get_varbinds(pdu)}
    try:
        uptime, oper, speed, octets_in, octets_out = (_integer(values, oid) for oid in oids)
    except ValueError as exc:
        return SnmpReading(error=str(exc))
    if oper not in OPER_STATUS_VALUES:
        return SnmpReading(error=f"{oids[1]}: ifOperStatus inválido {oper}")
    return SnmpReading(uptime, oper, speed, octets_in, octets_out)


def _reply(data: bytes, request_id: int, oids: Sequence[str]) -> SnmpReading | None:
    """The reading in a reply from the device, or None when the reply answers another request
    (a late one from an earlier cycle)."""
    try:
        message, _ = decoder.decode(data, asn1Spec=v2c.Message())
        pdu = v2c.apiMessage.get_pdu(message)
    except PyAsn1Error as exc:
        return SnmpReading(error=f"resposta SNMP ilegível: {exc}")
    if v2c.apiPDU.get_request_id(pdu) != request_id:
        return None
    return _reading(pdu, oids)


class _Socket:
    """The process's SNMP socket, read by the event loop as soon as it is readable, every
    datagram waiting at once: a reply is handed to the request waiting on its source address
    without being decoded, so that the time spent decoding the others never makes it late."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receive_buffer(self.sock, SOCKET_BUFFER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        self.sock.setblocking(False)
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.sock, self.on_readable)
        self.waiting: dict[tuple[str, int], asyncio.Future[bytes]] = {}

    def on_readable(self) -> None:
        while True:
            try:
                data, address = self.sock.recvfrom(65_535)
            except BlockingIOError:
                return
            reply = self.waiting.get(address)
            if reply and not reply.done():
                reply.set_result(data)

    async def read(self, device: SnmpDevice, timeout: float, retries: int) -> SnmpReading:
        """One device: its GET sent up to `retries` more times (with the same request-id, so
        that a late answer to an earlier try still counts) until it is answered. One device of
        an address at a time in the process: a reply is matched to its address first."""
        try:
            address = (str(ipaddress.IPv4Address(device.address)), device.port)  # as recvfrom's
        except ValueError:
            return SnmpReading(error=f"endereço IPv4 inválido: {device.address!r}")
        request_id = v2c.getNextRequestID()
        oids = _oids(device.if_index)
        try:
            message = _request(device, request_id)
            for _ in range(retries + 1):
                with contextlib.suppress(BlockingIOError):  # a full buffer: as if lost
                    self.sock.sendto(message, address)
                deadline = self.loop.time() + timeout
                while (left := deadline - self.loop.time()) > 0:
                    reply = self.waiting[address] = self.loop.create_future()
                    await asyncio.wait([reply], timeout=left)
                    if not reply.done():
                        break
                    reading = _reply(reply.result(), request_id, oids)
                    if reading:
                        return reading
        except Exception as exc:  # one device's failure never stops the others
            return SnmpReading(error=f"falha SNMP: {exc}")
        finally:
            self.waiting.pop(address, None)
        return SnmpReading(error=f"sem resposta SNMP em {timeout:g} s ({retries + 1} tentativas)")


async def _read_all(
    devices: Sequence[SnmpDevice], timeout: float, retries: int, concurrency: int
) -> list[SnmpReading]:
    """`concurrency` workers take the addresses in turn: at most that many requests in flight,
    no task per device, and the devices that share an address read one after the other."""
    if "socket" not in _process:
        _process["socket"] = _Socket()
    sock: _Socket = _process["socket"]  # type: ignore[assignment]
    readings: list[SnmpReading] = [SnmpReading()] * len(devices)
    by_address: dict[tuple[str, int], list[int]] = {}
    for number, device in enumerate(devices):
        by_address.setdefault((device.address, device.port), []).append(number)
    queue = iter(by_address.values())

    async def worker() -> None:
        for numbers in queue:
            for number in numbers:
                readings[number] = await sock.read(devices[number], timeout, retries)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(by_address)))))
    return readings


def snmp_read_many(
    devices: Sequence[SnmpDevice],
    *,
    timeout: float = 2.0,
    retries: int = 1,
    concurrency: int = 1000,
) -> dict[SnmpDevice, SnmpReading]:
    """Read sysUpTime and the WAN interface's status, speed and counters of every device.

    Up to `concurrency` requests are in flight: silent CPEs each hold a slot for
    `timeout * (retries + 1)` seconds, so the cap must be high for a cycle to end in time
    (5 000 silent CPEs cost 20 s at 1 000, 200 s at 100); the socket's large buffer keeps that
    many replies from overflowing it."""
    readings = run_coroutine(_read_all(devices, timeout, retries, concurrency))
    return dict(zip(devices, readings, strict=True))
