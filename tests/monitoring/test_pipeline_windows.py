"""Degraded windows measured for real: loss from nftables, latency from a slow responder.

Windows are aligned on the minute here (a contract setting of 1 minute) so that a test waits
for one window instead of five minutes."""

import time
from datetime import timedelta

import pytest

from monitoring.choices import OutageKind
from monitoring.models import MonitoringSettings, Outage
from monitoring.netsim.faults import table_mark
from monitoring.netsim.slow import SlowResponder
from tests.support.monitoring import run_cycle


@pytest.mark.django_db
def test_loss_and_latency_make_degraded_windows_clipped_by_an_interruption(polled_network, faults):
    MonitoringSettings.objects.create(
        contract=polled_network.contract, window_minutes=1, min_replies=10
    )
    lossy = polled_network.link_x_metro
    slow = polled_network.link_x_interior
    failing = polled_network.link_y_metro
    responder = SlowResponder(delay_ms=200, mark=table_mark(faults.name)).start()
    try:
        # Start right after a minute begins, so the whole window is measured.
        time.sleep(60 - time.time() % 60)
        faults.set_loss([lossy.mgmt_ip], 60)
        faults.set_slow([slow.mgmt_ip])
        instants = [run_cycle()]
        faults.fail([failing.mgmt_ip])  # down from the second cycle to the end of the window
        while instants[-1].timestamp() % 60 < 58:
            instants.append(run_cycle())
        faults.clear([lossy.mgmt_ip, slow.mgmt_ip, failing.mgmt_ip])
        instants.append(run_cycle())
        instants.append(run_cycle())
    finally:
        responder.stop()
    window_start = instants[0].replace(second=0)
    window_end = window_start + timedelta(minutes=1)

    def windows(link):
        return list(
            Outage.objects.filter(link=link, kind=OutageKind.DEGRADATION).values_list(
                "start", "end"
            )
        )

    assert windows(lossy) == [(window_start, window_end)]
    assert windows(slow) == [(window_start, window_end)]
    # The failing link's window lost every echo but its first cycle's: the interruption covers
    # it from the second cycle on, so only what comes before is left as degraded.
    interruption = Outage.objects.get(link=failing, kind=OutageKind.INTERRUPTION)
    assert interruption.start == instants[1]
    assert windows(failing) == [(window_start, instants[1])]
