"""The simulated network, for real: nftables faults, the slow responder and the SNMP agents, on
loopback addresses, as root. Each test worker has its own table, addresses and SNMP port."""

import asyncio
import contextlib
import io
import os
import socket
import subprocess
import threading
import time

import pytest
from django.core.management import call_command
from icmplib import ping

from monitoring.netsim import (
    OPER_DOWN,
    OPER_UP,
    Device,
    FaultTable,
    SlowResponder,
    SnmpAgents,
    snmp_get,
)
from monitoring.netsim.faults import NFT
from monitoring.netsim.snmp import SYS_UPTIME_OID
from monitoring.snmp import SnmpDevice, run_coroutine, snmp_read_many
from tests.support.monitoring import ADDRESS_PREFIX, PORT_BASE, TABLE_PREFIX

TABLE = f"{TABLE_PREFIX}_netsim"
NET = ADDRESS_PREFIX
PORT = PORT_BASE
A, B, C = f"{NET}.1", f"{NET}.2", f"{NET}.3"
CANARY = f"{NET}.254"
SPEED_OID = "1.3.6.1.2.1.31.1.1.1.15"
OPER, SPEED = "1.3.6.1.2.1.2.2.1.8.3", f"{SPEED_OID}.3"
IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6.3"


def received(ip: str, count: int = 3) -> int:
    return ping(ip, count, interval=0.01, timeout=0.5, privileged=True).packets_received


def tables() -> list[str]:
    """The names of the inet tables, from `nft list tables`."""
    out = subprocess.run([NFT, "list", "tables"], capture_output=True, text=True).stdout  # noqa: S603
    return [line.removeprefix("table inet ") for line in out.splitlines()]


@pytest.fixture
def table():
    with FaultTable(TABLE, canaries=[CANARY]) as fault_table:
        yield fault_table
    assert TABLE not in tables()


@pytest.fixture(scope="module")
def agents():
    devices = [
        Device(A, if_index=3, speed_mbps=50),
        Device(B, if_index=3, speed_mbps=200, community="other", oper_status=OPER_DOWN),
        Device(C, if_index=3, speed_mbps=10),
    ]
    with SnmpAgents(devices, port=PORT) as snmp_agents:
        yield snmp_agents


def get(*requests, port=PORT):
    """Several GETs at once, with one engine: [(ip, oids, community)] -> [values or None]."""

    async def run():
        from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

        engine = SnmpEngine()
        try:
            return await asyncio.gather(
                *(
                    snmp_get(ip, oids, port, community, 1, engine)
                    for ip, oids, community in requests
                )
            )
        finally:
            engine.close_dispatcher()

    return run_coroutine(run())


# -- ICMP faults -------------------------------------------------------------------------------


def test_fail_stops_the_answers_and_restore_brings_them_back(table):
    assert received(A) == 3
    table.fail([A])
    assert received(A) == 0
    assert received(B) == 3
    table.restore([A])
    table.restore([A])  # idempotent
    assert received(A) == 3


def test_loss_drops_about_that_share_of_echoes(table):
    table.set_loss([A], 50)
    assert 60 <= ping(A, 200, interval=0.001, timeout=0.03, privileged=True).packets_received <= 140
    table.set_loss([A], 0)
    assert received(A, 20) == 20


def test_status_and_clear(table):
    table.fail([A, B])
    table.set_loss([C], 30)
    table.set_slow([C])
    assert table.status() == {"down": [A, B], "slow": [C], "loss": {C: 30}}
    table.clear([A, C])
    assert table.status() == {"down": [B], "slow": [], "loss": {}}


def test_canaries(table):
    table.canaries_down()
    assert received(CANARY) == 0
    table.canaries_up()
    assert received(CANARY) == 3


def test_the_slow_responder_delays_only_the_slow_addresses(table):
    table.set_slow([A])
    with SlowResponder(200, mark=table.mark):
        slow = ping(A, 5, interval=0.05, timeout=1, privileged=True)
        fast = ping(B, 5, interval=0.05, timeout=1, privileged=True)
        assert slow.packets_received == 5  # once each: the kernel's own replies are dropped
        assert slow.min_rtt >= 200
        assert fast.packets_received == 5
        assert fast.max_rtt < 100
        table.clear_slow([A])
        assert ping(A, 3, interval=0.05, timeout=1, privileged=True).max_rtt < 100


def test_the_table_is_gone_after_the_context():
    with FaultTable(TABLE) as fault_table:
        fault_table.create()  # idempotent
        assert TABLE in tables()
    assert TABLE not in tables()
    assert not fault_table.exists()


@pytest.mark.parametrize("address", ["10.0.0.1", "192.168.0.10", "8.8.8.8", "::1", "localhost"])
def test_only_loopback_addresses_are_accepted(table, address):
    with pytest.raises(ValueError):
        table.fail([A, address])
    assert table.status()["down"] == []  # all or nothing
    with pytest.raises(ValueError):
        table.set_loss([address], 10)
    with pytest.raises(ValueError):
        FaultTable(TABLE, canaries=[address])
    with pytest.raises(ValueError):
        SnmpAgents([Device(address)])


# -- SNMP ------------------------------------------------------------------------------------


def test_snmp_answers_the_configured_values_and_counters_grow(agents):
    first, other, wrong_community = get(
        (A, [SYS_UPTIME_OID, OPER, SPEED, IN_OCTETS], "public"),
        (B, [OPER, SPEED], "other"),
        (B, [OPER], "public"),
    )
    assert int(first[OPER]) == OPER_UP
    assert int(first[SPEED]) == 50
    assert int(other[OPER]) == OPER_DOWN
    assert int(other[SPEED]) == 200
    assert wrong_community is None
    time.sleep(0.3)
    (later,) = get((A, [SYS_UPTIME_OID, IN_OCTETS], "public"))
    assert int(later[SYS_UPTIME_OID]) > int(first[SYS_UPTIME_OID])
    assert int(later[IN_OCTETS]) > int(first[IN_OCTETS])


def test_oper_status_down_while_icmp_answers(agents):
    agents.update(A, oper_status=OPER_DOWN)
    try:
        (values,) = get((A, [OPER], "public"))
        assert int(values[OPER]) == OPER_DOWN
        assert received(A) == 3
    finally:
        agents.update(A, oper_status=OPER_UP)


def test_a_down_device_does_not_answer_snmp(agents, table):
    table.fail([A])
    assert get((A, [SPEED], "public"), (C, [SPEED], "public"))[0] is None
    table.restore([A])
    assert int(get((A, [SPEED], "public"))[0][SPEED]) == 50


def test_an_snmp_delay_slows_only_that_device(agents):
    agents.update(A, delay_ms=600)
    try:

        async def timed(ip, engine):
            started = time.monotonic()
            await snmp_get(ip, [SPEED], PORT, "public", 2, engine)
            return time.monotonic() - started

        async def run():
            from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

            engine = SnmpEngine()
            await snmp_get(C, [SPEED], PORT, "public", 2, engine)  # the engine's first request
            try:
                return await asyncio.gather(timed(A, engine), timed(C, engine))
            finally:
                engine.close_dispatcher()

        slow, fast = run_coroutine(run())
        assert slow >= 0.6
        assert fast < 0.3
    finally:
        agents.update(A, delay_ms=0)


def test_one_socket_answers_as_each_of_many_devices():
    """One socket for 240 devices, each answering its own values from its own address (the
    poller drops a reply from any other address)."""
    devices = [Device(f"{NET}.{n}", if_index=n % 4 + 1, speed_mbps=n) for n in range(10, 250)]
    with SnmpAgents(devices, port=PORT + 2) as snmp_agents:
        readings = snmp_read_many(
            [SnmpDevice(d.ip, PORT + 2, d.community, d.if_index) for d in devices]
        )
        (pid,) = snmp_agents.pids
        sockets = [fd for fd in os.listdir(f"/proc/{pid}/fd") if "socket:" in fd_target(pid, fd)]
    assert [(r.error, r.high_speed_mbps) for r in readings.values()] == [
        ("", d.speed_mbps) for d in devices
    ]
    assert len(sockets) <= 3  # the agents' socket and the event loop's own pair


def fd_target(pid: int, fd: str) -> str:
    with contextlib.suppress(FileNotFoundError):
        return os.readlink(f"/proc/{pid}/fd/{fd}")
    return ""


def test_agent_processes_share_the_port_and_each_reloads_on_update():
    devices = [Device(f"{NET}.{n}", if_index=3) for n in range(10, 50)]
    with SnmpAgents(devices, port=PORT + 3, processes=2) as snmp_agents:
        assert len(snmp_agents.pids) == 2
        down = devices[::2]  # 20 devices: the kernel spreads them over both processes
        for device in down:
            snmp_agents.update(device.ip, oper_status=OPER_DOWN)
        readings = snmp_read_many([SnmpDevice(d.ip, PORT + 3, d.community, 3) for d in devices])
    assert [r.oper_status for r in readings.values()] == [
        OPER_DOWN if device in down else OPER_UP for device in devices
    ]


def test_malformed_requests_are_ignored_and_the_agent_keeps_serving(agents):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for junk in (b"", b"\x30", b"\x30\x84\xff\xff\xff\xff", b"\x02\x01\x01", bytes(range(256))):
            sock.sendto(junk, (A, PORT))
    assert int(get((A, [SPEED], "public"))[0][SPEED]) == 50


def test_snmp_getnext_is_answered_and_v1_is_not(agents):
    from pysnmp.hlapi.v3arch import asyncio as hlapi

    async def run(oid: str, mp_model: int):
        engine = hlapi.SnmpEngine()
        try:
            return await hlapi.next_cmd(
                engine,
                hlapi.CommunityData("public", mpModel=mp_model),
                await hlapi.UdpTransportTarget.create((A, PORT), timeout=0.5, retries=0),
                hlapi.ContextData(),
                hlapi.ObjectType(hlapi.ObjectIdentity(oid)),
                lookupMib=False,
            )
        finally:
            engine.close_dispatcher()

    error, status, _, var_binds = run_coroutine(run(SPEED_OID, mp_model=1))
    assert (error, int(status)) == (None, 0)
    ((oid, value),) = var_binds
    assert (str(oid), int(value)) == (SPEED, 50)
    error, *_ = run_coroutine(run(SPEED_OID, mp_model=0))
    assert "No SNMP response" in str(error)


# -- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_off_operations_change_the_running_table(network, table):
    link = network.link_x_metro
    out = io.StringIO()
    call_command("netsim", "fail", link.circuit_id, "--table", TABLE, stdout=out)
    assert table.status()["down"] == [link.mgmt_ip]
    call_command("netsim", "loss", link.circuit_id, "30", "--table", TABLE, stdout=out)
    call_command("netsim", "status", "--table", TABLE, stdout=out)
    assert f"down  {link.mgmt_ip}" in out.getvalue()
    assert "30%" in out.getvalue()
    call_command("netsim", "clear", link.circuit_id, "--table", TABLE, stdout=out)
    assert table.status() == {"down": [], "slow": [], "loss": {}}


@pytest.mark.django_db
def test_the_simulator_runs_with_chaos_and_cleans_up(network):
    links = [network.link_x_metro, network.link_x_interior, network.link_y_metro]
    speeds = {}

    def watch():
        """While the simulator runs: the agents answer each link's speed (chaos may fail some)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not speeds:
            if TABLE in tables():
                answers = get(
                    *((link.mgmt_ip, [f"{SPEED_OID}.{link.if_index}"], "public") for link in links),
                    port=PORT + 1,
                )
                speeds.update(
                    {
                        link: int(*values.values())
                        for link, values in zip(links, answers, strict=True)
                        if values
                    }
                )
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    out = io.StringIO()
    call_command(
        "netsim",
        "--chaos",
        "--seed=7",
        "--interval=1",
        "--duration=8",
        f"--table={TABLE}",
        f"--snmp-port={PORT + 1}",
        f"--canary={CANARY}",
        stdout=out,
    )
    watcher.join()
    assert speeds
    assert all(speed == link.speed_mbps for link, speed in speeds.items())
    assert " fail " in out.getvalue()
    assert TABLE not in tables()
