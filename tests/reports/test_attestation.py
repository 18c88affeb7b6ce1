"""Attesting a technical report: only the agency's named manager or substitute, only a closed
month, exactly the figures the page showed; a change after it (a correction posted against the
month) leaves the attestation outdated until a new one."""

import pytest

from billing import services as billing
from billing.reports.choices import AttestationStatus, Capacity
from billing.reports.models import Attestation
from billing.reports.selectors import attestation_states, report_digests, report_pending_list
from billing.reports.services import report_attest
from core.exceptions import DomainError
from tests.people.factories import user_with_role
from tests.support.billing import compute, outage
from tests.support.time import local

NOW = local(2026, 11, 3, 10, 0)


def digest(period, agency) -> str:
    return report_digests(periods=[period], agency_ids=[agency.pk])[(period.pk, agency.pk)]


def state(period, agency):
    return attestation_states(periods=[period], agency_ids=[agency.pk])[(period.pk, agency.pk)]


def attest(period, agency, user, figures=None, now=NOW):
    return report_attest(
        period=period,
        agency=agency,
        user=user,
        digest=figures or digest(period, agency),
        now=now,
    )


@pytest.mark.django_db
def test_the_manager_attests_who_when_in_which_capacity_and_what(
    october_closed, network, personas, named
):
    agency = network.agency_x
    assert state(october_closed, agency).status == AttestationStatus.PENDING
    attestation = attest(october_closed, agency, personas.manager_x)
    assert (attestation.attested_by, attestation.capacity, attestation.attested_at) == (
        personas.manager_x,
        Capacity.TITULAR,
        NOW,
    )
    assert attestation.digest == digest(october_closed, agency)
    assert attestation.totals == {
        "lines": 2,
        "amount_due": "2140.09",
        "discount": "3.04",
        "imr_adjustment": "0.00",
        "fines": "0.00",
        "corrections": "0.00",
        "net": "2137.05",
    }
    now = state(october_closed, agency)
    assert (now.status, now.current) == (AttestationStatus.ATTESTED, attestation)
    # The other agency's report is untouched.
    assert state(october_closed, network.agency_y).status == AttestationStatus.PENDING


@pytest.mark.django_db
def test_the_substitute_attests_too_and_the_same_figures_are_attested_once(
    october_closed, network, personas, named
):
    first = attest(october_closed, network.agency_x, named)
    assert first.capacity == Capacity.SUBSTITUTE
    again = attest(october_closed, network.agency_x, personas.manager_x)
    assert again == first
    assert Attestation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["billing", "committee", "noc", "manager_y", "carrier_a"])
def test_nobody_else_attests(october_closed, network, personas, named, persona):
    with pytest.raises(DomainError, match="Só o gestor do órgão"):
        attest(october_closed, network.agency_x, getattr(personas, persona))
    assert not Attestation.objects.exists()


@pytest.mark.django_db
def test_an_agency_manager_not_named_in_the_declaration_does_not_attest(
    october_closed, network, named
):
    colleague = user_with_role("outro.sef", "agency_manager", agency=network.agency_x)
    with pytest.raises(DomainError, match="Só o gestor do órgão"):
        attest(october_closed, network.agency_x, colleague)


@pytest.mark.django_db
def test_a_month_still_open_is_not_attested(priced_simple, network, personas, named):
    november = compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    assert state(november, network.agency_x).status == AttestationStatus.OPEN
    with pytest.raises(DomainError, match="emitido no fechamento"):
        attest(november, network.agency_x, personas.manager_x)


@pytest.mark.django_db
def test_figures_that_changed_since_the_page_was_shown_are_not_attested(
    october_closed, network, personas, named
):
    with pytest.raises(DomainError, match="mudaram depois que a página foi aberta"):
        attest(october_closed, network.agency_x, personas.manager_x, figures="0" * 64)


@pytest.mark.django_db
def test_a_correction_after_the_attestation_outdates_it_until_a_new_one(
    october_closed, network, personas, named
):
    agency = network.agency_x
    manager_y = personas.manager_y
    network.agency_y.manager = manager_y
    network.agency_y.save(update_fields=["manager"])
    first = attest(october_closed, agency, personas.manager_x)
    attest(october_closed, network.agency_y, manager_y)

    # An outage of October imported late: computing November posts a correction against it.
    outage(network.link_x_metro, local(2026, 10, 20, 8, 0), local(2026, 10, 20, 9, 0))
    compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    outdated = state(october_closed, agency)
    assert outdated.status == AttestationStatus.OUTDATED
    assert (outdated.current, outdated.history) == (None, [first])
    assert [p.period for p in report_pending_list(user=personas.manager_x)] == [october_closed]
    # Agency Y's report did not change: its attestation still holds.
    assert state(october_closed, network.agency_y).status == AttestationStatus.ATTESTED

    second = attest(october_closed, agency, named, now=local(2026, 11, 26, 9, 0))
    renewed = state(october_closed, agency)
    assert (renewed.status, renewed.current) == (AttestationStatus.ATTESTED, second)
    assert renewed.history == [second, first]
    assert report_pending_list(user=personas.manager_x) == []


@pytest.mark.django_db
def test_the_digest_follows_the_figures_not_the_computation(priced_simple, network):
    """Recomputing with the same figures keeps the digest; any changed figure changes it."""
    november = compute(2026, 11, now=local(2026, 11, 25, 10, 0))
    before = digest(november, network.agency_x)
    billing.period_compute(period=november, now=local(2026, 11, 25, 11, 0))
    assert digest(november, network.agency_x) == before
    outage(network.link_x_interior, local(2026, 11, 3, 8, 0), local(2026, 11, 3, 8, 10))
    billing.period_compute(period=november, now=local(2026, 11, 25, 12, 0))
    assert digest(november, network.agency_x) != before
    assert report_digests(periods=[november]).keys() == {
        (november.pk, network.agency_x.pk),
        (november.pk, network.agency_y.pk),
    }


@pytest.mark.django_db
def test_the_pending_list_is_the_attesters_own(october_closed, network, personas, named):
    [pending] = report_pending_list(user=personas.manager_x)
    assert (pending.period, pending.agency) == (october_closed, network.agency_x)
    assert report_pending_list(user=named) == report_pending_list(user=personas.manager_x)
    for persona in ("manager_y", "billing", "carrier_a", "unit_x"):
        assert report_pending_list(user=getattr(personas, persona)) == []
