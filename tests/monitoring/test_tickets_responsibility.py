"""Responsibility: the NOC classifies (one or many), splits and decides disputes; carriers
dispute with files; every step is kept."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import DomainError
from monitoring.choices import DecisionAction, DisputeStatus, Responsibility
from monitoring.models import Outage, Ticket
from monitoring.services.responsibility import (
    dispute_decide,
    dispute_file,
    outage_split,
    outages_classify,
)
from tests.monitoring.factories import OutageFactory
from tests.support.time import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


def icmp_outage(link, start=0, end=120, **kwargs) -> Outage:
    """An interruption the poller measured, from cycle minute `start` to `end`."""
    return OutageFactory(link=link, start=at(start), end=at(end), source="icmp", **kwargs)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("noc", True), ("carrier_a", False), ("manager_x", False), ("billing", False)],
)
def test_only_the_noc_classifies(network, personas, who, allowed):
    row = icmp_outage(network.link_x_metro)
    call = {
        "outage_ids": [row.pk],
        "to": Responsibility.AGENCY,
        "reason": "Falta de energia no prédio",
        "by": getattr(personas, who),
        "now": at(200),
    }
    if not allowed:
        with pytest.raises(PermissionDenied):
            outages_classify(**call)
        return
    outages_classify(**call)
    row.refresh_from_db()
    assert (row.responsibility, row.decided_by, row.decided_at) == ("agency", personas.noc, at(200))
    [step] = row.decisions.all()
    assert (step.action, step.before, step.after, step.reason) == (
        DecisionAction.CLASSIFIED,
        "pending",
        "agency",
        "Falta de energia no prédio",
    )


def test_bulk_classification_of_a_storm(network, personas):
    rows = [icmp_outage(link) for link in (network.link_x_metro, network.link_y_metro)]
    outages_classify(
        outage_ids=[r.pk for r in rows],
        to=Responsibility.FORCE_MAJEURE,
        reason="Tempestade com laudo da Defesa Civil",
        by=personas.noc,
        now=at(300),
    )
    assert set(Outage.objects.values_list("responsibility", flat=True)) == {"force_majeure"}
    with pytest.raises(DomainError):
        outages_classify(
            outage_ids=[rows[0].pk], to="pending", reason="x", by=personas.noc, now=at(301)
        )
    with pytest.raises(DomainError):
        outages_classify(
            outage_ids=[rows[0].pk], to="carrier", reason=" ", by=personas.noc, now=at(301)
        )


def test_splitting_keeps_one_ticket_and_the_step(network, personas):
    row = icmp_outage(network.link_x_metro)
    with pytest.raises(DomainError):
        outage_split(outage_id=row.pk, at=at(120), reason="fora", by=personas.noc, now=at(200))
    later = outage_split(
        outage_id=row.pk, at=at(45), reason="Energia voltou às 10:45", by=personas.noc, now=at(200)
    )
    outages_classify(
        outage_ids=[row.pk], to="agency", reason="Falta de energia", by=personas.noc, now=at(201)
    )
    assert list(Outage.objects.order_by("start").values_list("start", "end", "responsibility")) == [
        (at(0), at(45), "agency"),
        (at(45), at(120), "pending"),
    ]
    assert later.split_from_id == row.pk
    assert row.decisions.get(action=DecisionAction.SPLIT).split_at == at(45)
    with pytest.raises(PermissionDenied):
        outage_split(outage_id=later.pk, at=at(60), reason="x", by=personas.carrier_a, now=at(9))


def test_a_carrier_disputes_with_files_and_the_noc_decides(network, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    row = icmp_outage(network.link_x_interior)
    with pytest.raises(PermissionDenied):
        dispute_file(
            outage_id=row.pk, requested="agency", text="x", files=[], by=personas.noc, now=at(1)
        )
    evidence = SimpleUploadedFile("laudo.pdf", b"%PDF-1.4 laudo", content_type="application/pdf")
    # Carrier A is a member (not the leader) of the interior consortium: it may dispute too.
    dispute = dispute_file(
        outage_id=row.pk,
        requested=Responsibility.AGENCY,
        text="Técnico impedido de entrar no prédio",
        files=[evidence],
        by=personas.carrier_a,
        now=at(130),
    )
    assert dispute.attachments.get().name == "laudo.pdf"
    with pytest.raises(DomainError):
        dispute_file(
            outage_id=row.pk,
            requested="agency",
            text="de novo",
            files=[],
            by=personas.carrier_b,
            now=at(131),
        )
    with pytest.raises(PermissionDenied):
        dispute_decide(
            dispute_id=dispute.pk, accept=True, reason="x", by=personas.carrier_a, now=at(140)
        )
    dispute_decide(
        dispute_id=dispute.pk,
        accept=True,
        reason="Registro de portaria confirma",
        by=personas.noc,
        now=at(150),
    )
    row.refresh_from_db()
    dispute.refresh_from_db()
    assert (row.responsibility, dispute.status) == ("agency", DisputeStatus.ACCEPTED)
    assert list(row.decisions.values_list("action", "by__username")) == [
        ("disputed", "alfa"),
        ("dispute_accepted", "noc"),
    ]
    with pytest.raises(DomainError):
        dispute_decide(dispute_id=dispute.pk, accept=False, reason="y", by=personas.noc, now=at(9))


def test_a_rejected_dispute_keeps_the_responsibility(network, personas):
    row = icmp_outage(network.link_x_metro, responsibility="carrier")
    dispute = dispute_file(
        outage_id=row.pk,
        requested="force_majeure",
        text="Raio",
        files=[],
        by=personas.carrier_a,
        now=at(130),
    )
    dispute_decide(
        dispute_id=dispute.pk, accept=False, reason="Sem laudo", by=personas.noc, now=at(150)
    )
    row.refresh_from_db()
    assert row.responsibility == "carrier"
    assert row.decisions.last().action == DecisionAction.DISPUTE_REJECTED
    assert not Ticket.objects.exists()
