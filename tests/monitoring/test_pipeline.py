"""Real polls of a simulated network (ICMP on loopback, faults in nftables) become outages."""

import pytest

from monitoring.choices import OutageKind, OutageSource
from monitoring.models import BlindPeriod, Canary, Outage, RedundancyLoss
from tests.support.monitoring import interruptions, run_cycle, worker_ip


@pytest.mark.django_db
def test_a_failed_link_becomes_one_outage_closed_on_restore(polled_network, faults):
    link = polled_network.link_x_metro
    run_cycle()
    faults.fail([link.mgmt_ip])
    instants = [run_cycle() for _ in range(4)]
    assert interruptions(link) == [(instants[0], None)]
    faults.restore([link.mgmt_ip])
    restored = run_cycle()
    run_cycle()
    assert interruptions(link) == [(instants[0], restored)]
    outage = Outage.objects.get(link=link, kind=OutageKind.INTERRUPTION)
    assert outage.source == OutageSource.ICMP
    # The other links never stopped answering.
    assert not Outage.objects.exclude(link=link).exists()


@pytest.mark.django_db
def test_two_failed_cycles_then_a_success_open_no_interruption(polled_network, faults):
    link = polled_network.link_x_metro
    run_cycle()
    faults.fail([link.mgmt_ip])
    run_cycle()
    run_cycle()
    faults.restore([link.mgmt_ip])
    run_cycle()
    run_cycle()
    assert interruptions(link) == []


@pytest.mark.django_db
def test_redundant_access_one_path_then_both(polled_network, faults):
    link = polled_network.link_x_metro
    link.access_type = "redundant"
    link.mgmt_ip_secondary = worker_ip(10)
    link.save()
    run_cycle()
    faults.fail([link.mgmt_ip])
    first_path = [run_cycle() for _ in range(3)]
    assert RedundancyLoss.objects.get(link=link).start == first_path[0]
    assert interruptions(link) == []
    faults.fail([link.mgmt_ip_secondary])
    second_path = [run_cycle() for _ in range(3)]
    # Down from the later of the two paths' first failed cycles.
    assert interruptions(link) == [(second_path[0], None)]
    faults.restore([link.mgmt_ip_secondary])
    back = run_cycle()
    assert interruptions(link) == [(second_path[0], back)]
    assert RedundancyLoss.objects.get(link=link).end is None  # path 1 still down
    faults.restore([link.mgmt_ip])
    both_back = run_cycle()
    assert RedundancyLoss.objects.get(link=link).end == both_back


@pytest.mark.django_db
def test_canaries_down_blind_the_noc_and_cut_the_open_outage(polled_network, faults):
    link = polled_network.link_x_metro
    canary = worker_ip(200)
    Canary.objects.create(address=canary, name="Roteador do NOC")
    faults.canaries = [canary]
    run_cycle()
    faults.fail([link.mgmt_ip])
    failed = [run_cycle() for _ in range(3)]
    faults.canaries_down()
    blind = [run_cycle() for _ in range(2)]
    faults.canaries_up()
    seeing = run_cycle()
    assert interruptions(link) == [(failed[0], blind[0])]
    period = BlindPeriod.objects.get()
    assert (period.start, period.end) == (blind[0], seeing)
    # After blindness the link needs three fresh failed cycles to be down again.
    fresh = [seeing, run_cycle(), run_cycle()]
    assert interruptions(link) == [(failed[0], blind[0]), (fresh[0], None)]


@pytest.mark.django_db
def test_every_carrier_failing_at_once_is_blindness_not_outages(polled_network, faults):
    everyone = [link.mgmt_ip for link in polled_network.link_x_metro.__class__.objects.all()]
    run_cycle()
    faults.fail(everyone)
    failing = [run_cycle() for _ in range(4)]
    faults.restore(everyone)
    back = run_cycle()
    assert not Outage.objects.filter(kind=OutageKind.INTERRUPTION).exists()
    period = BlindPeriod.objects.get()
    assert (period.start, period.end) == (failing[0], back)


@pytest.mark.django_db
def test_one_carrier_failing_alone_is_that_carriers_outage(polled_network, faults):
    # Carrier A leads the metro lot: both of its links fail; carrier B's link answers.
    metro = [polled_network.link_x_metro, polled_network.link_y_metro]
    run_cycle()
    faults.fail([link.mgmt_ip for link in metro])
    failing = [run_cycle() for _ in range(3)]
    assert not BlindPeriod.objects.exists()
    for link in metro:
        assert interruptions(link) == [(failing[0], None)]
