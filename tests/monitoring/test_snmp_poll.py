"""The SNMP poller against real simulated agents: readings stored, bad devices isolated, every
reply checked, and a large batch read whole."""

import select
import socket
import threading
from collections.abc import Callable

import pytest
from django.utils import timezone
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto.api import v2c

from monitoring.models import SnmpSample
from monitoring.netsim import OPER_DOWN, OPER_UP, Device, SnmpAgents
from monitoring.services import shard_default, snmp_poll
from monitoring.snmp import IF_HIGH_SPEED, SnmpDevice, snmp_read_many
from tests.support.monitoring import PID, PORT_BASE, worker_ip

PORT = PORT_BASE + 2
BATCH_PORT = PORT_BASE + 3
FAKE_PORT = PORT_BASE + 4


@pytest.mark.django_db
def test_snmp_readings_are_stored_and_a_silent_device_is_only_an_error(polled_network, faults):
    metro, interior, other = (
        polled_network.link_x_metro,
        polled_network.link_x_interior,
        polled_network.link_y_metro,
    )
    for link in (metro, interior, other):
        link.snmp_port = PORT
        link.if_index = 3
        link.save()
    devices = [
        Device(metro.mgmt_ip, if_index=3, speed_mbps=4),
        # ICMP answers, but the interface reports down: evidence for the NOC, not an outage.
        Device(interior.mgmt_ip, if_index=3, speed_mbps=20, oper_status=OPER_DOWN),
        # Wrong community: the agent stays silent for this device.
        Device(other.mgmt_ip, if_index=3, speed_mbps=8, community="outra"),
    ]
    with SnmpAgents(devices, port=PORT):
        assert snmp_poll(shard_id=shard_default().pk, now=timezone.now()) == 3
    readings = {s.link_id: s for s in SnmpSample.objects.all()}
    assert (readings[metro.pk].oper_status, readings[metro.pk].high_speed_mbps) == (1, 4)
    assert readings[metro.pk].uptime_ticks > 0
    assert readings[metro.pk].in_octets > 0
    assert readings[metro.pk].error == ""
    assert readings[interior.pk].oper_status == OPER_DOWN
    assert readings[interior.pk].high_speed_mbps == 20
    assert readings[other.pk].oper_status is None
    assert "sem resposta SNMP" in readings[other.pk].error


def test_a_large_batch_is_read_whole_with_each_devices_own_values():
    """3 000 CPEs, one agent process, 1 000 requests in flight: nothing lost, nothing mixed up
    (every device has its own speed, every seventh is down, and each has its own ifIndex)."""
    devices = [
        Device(
            f"127.{240 + n // 250}.{PID % 256}.{n % 250 + 1}",
            if_index=n % 5 + 1,
            speed_mbps=n + 1,
            oper_status=OPER_DOWN if n % 7 == 0 else OPER_UP,
        )
        for n in range(3000)
    ]
    targets = [SnmpDevice(d.ip, BATCH_PORT, d.community, d.if_index) for d in devices]
    with SnmpAgents(devices, port=BATCH_PORT):
        readings = snmp_read_many(targets, concurrency=1000)
    assert [reading.error for reading in readings.values()] == [""] * 3000
    assert [(r.high_speed_mbps, r.oper_status) for r in readings.values()] == [
        (d.speed_mbps, d.oper_status) for d in devices
    ]


# -- replies that are wrong ---------------------------------------------------------------------

Reply = Callable[[v2c.Message], bytes]


def answer(var_binds: Callable[[list], list] = lambda asked: asked, status: int = 0) -> Reply:
    """A well-formed response whose var-binds are `var_binds(asked)` and error-status `status`,
    built with pysnmp: asked holds (oid, value) with the values a healthy CPE would send."""

    def reply(request: v2c.Message) -> bytes:
        response = v2c.apiMessage.get_response(request)
        pdu = v2c.apiMessage.get_pdu(response)
        oids = [oid for oid, _ in v2c.apiPDU.get_varbinds(v2c.apiMessage.get_pdu(request))]
        healthy = [v2c.TimeTicks(100), v2c.Integer(1), v2c.Gauge32(50)] + [v2c.Counter64(9)] * 2
        v2c.apiPDU.set_varbinds(pdu, var_binds(list(zip(oids, healthy, strict=True))))
        v2c.apiPDU.set_error_status(pdu, status)
        v2c.apiPDU.set_error_index(pdu, 2 if status else 0)
        return encoder.encode(response)

    return reply


def replace(position: int, value) -> Callable[[list], list]:
    return lambda asked: [(oid, value if i == position else v) for i, (oid, v) in enumerate(asked)]


def other_request_id(request: v2c.Message) -> bytes:
    v2c.apiPDU.set_request_id(v2c.apiMessage.get_pdu(request), 1)  # never the poller's next id
    return answer()(request)


class FakeCpes:
    """Real UDP responders on loopback, one per address, each answering every request its own
    (wrong) way."""

    def __init__(self, replies: dict[str, Reply]):
        self.replies = replies
        self.sockets = {}
        for ip in replies:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((ip, FAKE_PORT))
            self.sockets[sock] = ip
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self) -> None:
        while not self.stop.is_set():
            readable, _, _ = select.select(list(self.sockets), [], [], 0.05)
            for sock in readable:
                data, sender = sock.recvfrom(65_535)
                request, _ = decoder.decode(data, asn1Spec=v2c.Message())
                sock.sendto(self.replies[self.sockets[sock]](request), sender)

    def __enter__(self) -> "FakeCpes":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def test_each_wrong_reply_is_that_devices_error_and_the_others_are_read():
    speed = IF_HIGH_SPEED.format(1)
    behaviours = {
        "healthy": (answer(), ""),
        "garbage": (lambda request: b"\x30\x03\x02\x01", "resposta SNMP ilegível"),
        "status": (answer(status=5), "erro SNMP genErr no item 2"),
        "text": (answer(replace(2, v2c.OctetString("rápido"))), f"{speed}: valor não numérico"),
        "absent": (answer(replace(2, v2c.NoSuchInstance(""))), f"{speed}: o agente não tem"),
        "missing": (answer(lambda asked: asked[:2]), f"{speed}: ausente na resposta"),
        "oper": (answer(replace(1, v2c.Integer(9))), "ifOperStatus inválido 9"),
        "stale": (other_request_id, "sem resposta SNMP em 0.3 s (2 tentativas)"),
    }
    ips = {name: worker_ip(100 + n) for n, name in enumerate(behaviours)}
    devices = {name: SnmpDevice(ip, FAKE_PORT, "public", 1) for name, ip in ips.items()}
    devices["hostname"] = SnmpDevice("cpe.example", FAKE_PORT, "public", 1)
    with FakeCpes({ips[name]: reply for name, (reply, _) in behaviours.items()}):
        readings = snmp_read_many(list(devices.values()), timeout=0.3)
    errors = {name: readings[device].error for name, device in devices.items()}
    for name, (_, expected) in behaviours.items():
        assert expected in errors[name], name
    assert errors["healthy"] == ""
    assert errors["hostname"] == "endereço IPv4 inválido: 'cpe.example'"
    assert readings[devices["healthy"]].high_speed_mbps == 50
