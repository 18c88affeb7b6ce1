"""SNMP v2c GETs of the WAN interface of many CPEs at once (pysnmp 7, asyncio).

One SnmpEngine and one event loop per worker process; OIDs are numeric and nothing is looked up
in MIBs (pysnmp ships no IF-MIB). A device that does not answer, or answers nonsense, yields a
reading with `error` set and never stops the others."""

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8.{}"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15.{}"
IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6.{}"
IF_HC_OUT_OCTETS = "1.3.6.1.2.1.31.1.1.1.10.{}"
OPER_STATUS_VALUES = range(1, 8)  # up(1) ... lowerLayerDown(7), IF-MIB
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
    """Run `coro` on this process's SNMP event loop, a daemon thread of its own: pysnmp binds an
    engine to one loop, and a caller may already be running another (Playwright's, in tests)."""
    with _process_lock:
        if "loop" not in _process:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="snmp-loop", daemon=True).start()
            _process["loop"] = loop
    return asyncio.run_coroutine_threadsafe(coro, _process["loop"]).result()  # type: ignore[arg-type]


def _engine() -> SnmpEngine:
    """One SnmpEngine per process (its first request costs about a second)."""
    if "engine" not in _process:
        _process["engine"] = SnmpEngine()
    return _process["engine"]  # type: ignore[return-value]


_targets: dict[tuple[str, int, float, int], UdpTransportTarget] = {}


async def _target(device: SnmpDevice, timeout: float, retries: int) -> UdpTransportTarget:
    """Targets are kept for the life of the process: creating one costs ~50 ms in pysnmp."""
    key = (device.address, device.port, timeout, retries)
    if key not in _targets:
        _targets[key] = await UdpTransportTarget.create(
            (device.address, device.port), timeout=timeout, retries=retries
        )
    return _targets[key]


def _integer(value, oid: str) -> int:
    if isinstance(value, NoSuchObject | NoSuchInstance | EndOfMibView):
        raise ValueError(f"{oid}: o agente não tem este objeto")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{oid}: valor não numérico {value!r}") from exc


async def _get_one(engine: SnmpEngine, device: SnmpDevice, timeout: float, retries: int):
    oids = [
        SYS_UPTIME,
        IF_OPER_STATUS.format(device.if_index),
        IF_HIGH_SPEED.format(device.if_index),
        IF_HC_IN_OCTETS.format(device.if_index),
        IF_HC_OUT_OCTETS.format(device.if_index),
    ]
    try:
        target = await _target(device, timeout, retries)
        error_indication, error_status, error_index, var_binds = await get_cmd(
            engine,
            CommunityData(device.community, mpModel=1),  # noqa: S508 - the contract says v2c
            target,
            ContextData(),
            *[ObjectType(ObjectIdentity(oid)) for oid in oids],
            lookupMib=False,
        )
    except Exception as exc:  # one device's failure never stops the others
        return SnmpReading(error=f"falha SNMP: {exc}")
    if error_indication:
        return SnmpReading(error=str(error_indication))
    if error_status:
        return SnmpReading(error=f"erro SNMP {error_status.prettyPrint()} no item {error_index}")
    values = {str(name): value for name, value in var_binds}
    try:
        uptime, oper, speed, octets_in, octets_out = (
            _integer(values.get(oid), oid) for oid in oids
        )
    except ValueError as exc:
        return SnmpReading(error=str(exc))
    if oper not in OPER_STATUS_VALUES:
        return SnmpReading(error=f"{oids[1]}: ifOperStatus inválido {oper}")
    return SnmpReading(uptime, oper, speed, octets_in, octets_out)


async def _get_all(
    devices: Sequence[SnmpDevice], timeout: float, retries: int, limit: int
) -> list[SnmpReading]:
    engine = _engine()
    semaphore = asyncio.Semaphore(limit)

    async def bounded(device: SnmpDevice) -> SnmpReading:
        async with semaphore:
            return await _get_one(engine, device, timeout, retries)

    return await asyncio.gather(*(bounded(device) for device in devices))


def snmp_read_many(
    devices: Sequence[SnmpDevice], *, timeout: float = 2.0, retries: int = 1, concurrency: int = 100
) -> dict[SnmpDevice, SnmpReading]:
    """Read sysUpTime and the WAN interface's status, speed and counters of every device.

    Concurrency is capped near 100: beyond it the default UDP receive buffer overflows and
    replies are lost (../shared/STACK.md)."""
    readings = run_coroutine(_get_all(devices, timeout, retries, concurrency))
    return dict(zip(devices, readings, strict=True))
