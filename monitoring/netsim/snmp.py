"""The SNMP agents of the simulated network, in a process of their own (`monitoring.netsim.agent`).

Why not snmpsim 1.2.2 here: with pysnmp 7.1 its per-endpoint data selection is dead code (its
responders override `handleMgmtOperation`, which pysnmp 7 no longer calls, so every endpoint
answers from the data file its community names), its `--v2c-arch` responder crashes at start
(`registerRecvCbFun` is gone), its `delay` variation module sleeps in the event loop (one slow
device stalls all of them) and its `writecache` module keys values by OID only (no per-device
change at run time). The agent is a small asyncio v2c responder (monitoring/netsim/agent.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)

from monitoring.netsim.agent import PID_FILE, SYS_UPTIME, Device, read_spec, write_spec
from monitoring.netsim.faults import loopback
from monitoring.snmp import SnmpDevice, snmp_read_many

PROJECT_DIR = Path(__file__).resolve().parents[2]
SYS_UPTIME_OID = ".".join(map(str, SYS_UPTIME))


async def snmp_get(
    ip: str,
    oids: Iterable[str],
    port: int = 1161,
    community: str = "public",
    timeout: float = 1,
    engine: SnmpEngine | None = None,
) -> dict[str, object] | None:
    """One SNMP v2c GET by numeric OID: the values by OID, or None when nothing answered. An
    engine's first request costs about a second (pysnmp loads its MIBs): pass one to reuse."""
    own_engine = engine is None
    engine = engine or SnmpEngine()
    try:
        target = await UdpTransportTarget.create((ip, port), timeout=timeout, retries=0)
        error, status, _, var_binds = await get_cmd(
            engine,
            CommunityData(community, mpModel=1),  # noqa: S508 - the contract polls v2c
            target,
            ContextData(),
            *(ObjectType(ObjectIdentity(oid)) for oid in oids),
            lookupMib=False,
        )
    finally:
        if own_engine:
            engine.close_dispatcher()
    if error or status:
        return None
    return {str(oid): value for oid, value in var_binds}


class SnmpAgents:
    """The agents of `devices` in `processes` child processes that share one UDP port.
    `state_dir` (a fresh temporary directory by default) holds the spec, the pids and the agents'
    log, so that another process can change a device with
    `SnmpAgents.attach(state_dir).update(...)`."""

    def __init__(
        self,
        devices: Iterable[Device],
        port: int = 1161,
        state_dir: str | Path | None = None,
        processes: int = 1,
    ):
        self.devices = {loopback(d.ip): d for d in devices}
        self.port = port
        self.processes = processes
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir) if state_dir else None
        self.pids: list[int] = []
        self._children: list[subprocess.Popen] = []

    @classmethod
    def attach(cls, state_dir: str | Path) -> SnmpAgents:
        """The agents another process started with this state directory."""
        state_dir = Path(state_dir)
        port, devices = read_spec(state_dir / "agents.json")
        agents = cls(devices, port, state_dir)
        agents.pids = [int(pid) for pid in (state_dir / PID_FILE).read_text().split()]
        return agents

    def start(self, timeout: float = 60) -> SnmpAgents:
        """Start the agents and wait until every process serves and the last device answers."""
        if self._own_dir:
            self.state_dir = Path(tempfile.mkdtemp(prefix="redegov_netsim_"))
        self.state_dir.mkdir(parents=True, exist_ok=True)
        spec = self.state_dir / "agents.json"
        write_spec(spec, self.port, list(self.devices.values()))
        (self.state_dir / PID_FILE).write_text("")
        shared = ["--shared"] if self.processes > 1 else []
        with open(self.state_dir / "agents.log", "ab") as log:
            self._children = [
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "monitoring.netsim.agent", str(spec), *shared],
                    cwd=PROJECT_DIR,
                    stdout=log,
                    stderr=log,
                )
                for _ in range(self.processes)
            ]
        self.pids = [child.pid for child in self._children]
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float) -> None:
        last = list(self.devices.values())[-1:]
        probe = [SnmpDevice(d.ip, self.port, d.community, d.if_index) for d in last]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in self._children):
                raise RuntimeError(f"SNMP agents exited; see {self.state_dir}/agents.log")
            serving = (self.state_dir / PID_FILE).read_text().split()
            if len(serving) == len(self._children) and not any(
                reading.error for reading in snmp_read_many(probe, timeout=0.5).values()
            ):
                return
            time.sleep(0.05)
        raise TimeoutError(f"SNMP agents not answering after {timeout} s")

    def stop(self) -> None:
        for child in self._children:
            child.terminate()
        for child in self._children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._children = []
        if self._own_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        elif self.state_dir:
            (self.state_dir / PID_FILE).unlink(missing_ok=True)

    def __enter__(self) -> SnmpAgents:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def update(self, ip: str, **changes) -> Device:
        """Change a device while its agent runs, e.g. `update(ip, oper_status=2)` (ifOperStatus
        down while ICMP still answers) or `update(ip, delay_ms=3000)`."""
        ip = loopback(ip)
        self.devices[ip] = replace(self.devices[ip], **changes)
        write_spec(self.state_dir / "agents.json", self.port, list(self.devices.values()))
        for pid in self.pids:
            os.kill(pid, signal.SIGHUP)
        return self.devices[ip]
