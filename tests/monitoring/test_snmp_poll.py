"""The SNMP poller against real simulated agents: readings stored, bad devices isolated."""

import pytest
from django.utils import timezone

from monitoring.models import SnmpSample
from monitoring.netsim import OPER_DOWN, Device, SnmpAgents
from monitoring.services import shard_default, snmp_poll
from tests.monitoring.conftest import PORT_BASE

PORT = PORT_BASE + 2


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
    assert "No SNMP response" in readings[other.pk].error
