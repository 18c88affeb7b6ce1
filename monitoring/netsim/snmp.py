"""The SNMP agents of the simulated network, in a process of their own (`monitoring.netsim.agent`).

Why not snmpsim 1.2.2 here: with pysnmp 7.1 its per-endpoint data selection is dead code (its
responders override `handleMgmtOperation`, which pysnmp 7 no longer calls, so every endpoint
answers from the data file its community names), its `--v2c-arch` responder crashes at start
(`registerRecvCbFun` is gone), its `delay` variation module sleeps in the event loop (one slow
device stalls all of them) and its `writecache` module keys values by OID only (no per-device
change at run time). The agent is a small asyncio v2c responder with pysnmp's protocol API.
"""

from __future__ import annotations

import asyncio
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

from monitoring.netsim.agent import SYS_UPTIME, Device, read_spec, write_spec
from monitoring.netsim.faults import loopback
from monitoring.snmp import run_coroutine

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
    """The agents of `devices` in one child process. `state_dir` (a fresh temporary directory by
    default) holds the spec, the pid and the agents' log, so that another process can change a
    device with `SnmpAgents.attach(state_dir).update(...)`."""

    def __init__(
        self, devices: Iterable[Device], port: int = 1161, state_dir: str | Path | None = None
    ):
        self.devices = {loopback(d.ip): d for d in devices}
        self.port = port
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir) if state_dir else None
        self.pid: int | None = None
        self._process: subprocess.Popen | None = None

    @classmethod
    def attach(cls, state_dir: str | Path) -> SnmpAgents:
        """The agents another process started with this state directory."""
        state_dir = Path(state_dir)
        port, devices = read_spec(state_dir / "agents.json")
        agents = cls(devices, port, state_dir)
        agents.pid = int((state_dir / "agents.pid").read_text())
        return agents

    def start(self, timeout: float = 60) -> SnmpAgents:
        """Start the agents and wait until the last device bound answers SNMP."""
        if self._own_dir:
            self.state_dir = Path(tempfile.mkdtemp(prefix="redegov_netsim_"))
        self.state_dir.mkdir(parents=True, exist_ok=True)
        spec = self.state_dir / "agents.json"
        write_spec(spec, self.port, list(self.devices.values()))
        with open(self.state_dir / "agents.log", "ab") as log:
            self._process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "monitoring.netsim.agent", str(spec)],
                cwd=PROJECT_DIR,
                stdout=log,
                stderr=log,
            )
        self.pid = self._process.pid
        (self.state_dir / "agents.pid").write_text(str(self.pid))
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float) -> None:
        if not self.devices:
            return
        run_coroutine(self._wait_ready(list(self.devices.values())[-1], timeout))

    async def _wait_ready(self, last: Device, timeout: float) -> None:
        engine = SnmpEngine()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self._process and self._process.poll() is not None:
                    raise RuntimeError(f"SNMP agents exited; see {self.state_dir}/agents.log")
                if await snmp_get(
                    last.ip, [SYS_UPTIME_OID], self.port, last.community, 0.5, engine
                ):
                    return
                await asyncio.sleep(0.1)
        finally:
            engine.close_dispatcher()
        raise TimeoutError(f"SNMP agents not answering after {timeout} s")

    def stop(self) -> None:
        if self._process:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._own_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        elif self.state_dir:
            (self.state_dir / "agents.pid").unlink(missing_ok=True)

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
        os.kill(self.pid, signal.SIGHUP)
        return self.devices[ip]
