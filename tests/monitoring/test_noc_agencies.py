"""Agencies on the panel (issue 5 item 4): e-mail subscriptions written to the outbox with the
tickets, irregularity reports with checked attachments that land on the NOC's panel (and the
answer e-mailed to the reporter), and who may do what."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exceptions import DomainError
from monitoring.choices import IrregularityStatus
from monitoring.forms import IrregularityForm
from monitoring.models import IrregularityReport, OutageSubscription
from monitoring.services import noc
from outbox.choices import MessageKind
from outbox.models import Message
from tests.support.monitoring import down, record
from tests.support.outbox import deliver_pending
from tests.support.time import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("forget_memory")]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded attachments go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def subscribe(client, user) -> None:
    user.email = f"{user.username}@orgao.mg.gov.br"
    user.save()
    client.force_login(user)
    client.post(reverse("monitoring:panel-subscription"), {"subscribed": "on"})


def test_a_subscribed_manager_is_mailed_about_the_agencys_outages_once(client, personas, network):
    subscribe(client, personas.manager_x)
    subscribe(client, personas.manager_y)
    record(-1, {})
    down(network, range(3), network.link_x_metro)  # agency X's link only
    assert deliver_pending() == 2
    assert deliver_pending() == 0  # a second run sends nothing
    carrier_mail, agency_mail = sorted(mail.outbox, key=lambda m: m.to[0].startswith("gestor"))
    assert carrier_mail.to == [network.carrier_a.ticket_email]
    assert agency_mail.to == ["gestor.sef@orgao.mg.gov.br"]  # not agency Y's manager
    assert "BHZ-0001" in agency_mail.body and "Alfa Telecom" in agency_mail.body
    assert "15/10/2026 10:00" in agency_mail.body
    assert len(mail.outbox) == 2
    assert Message.objects.get(kind=MessageKind.AGENCY_ALERT).sent_at is not None


def test_unsubscribing_stops_the_mail(client, personas, network):
    subscribe(client, personas.manager_x)
    client.post(reverse("monitoring:panel-subscription"), {})
    assert not OutageSubscription.objects.exists()
    record(-1, {})
    down(network, range(3), network.link_x_metro)
    deliver_pending()
    assert [m.to for m in mail.outbox] == [[network.carrier_a.ticket_email]]


def test_the_panel_offers_the_subscription_to_managers_only(client, personas):
    client.force_login(personas.manager_x)
    html = client.get(reverse("monitoring:panel")).content.decode()
    assert "Receber avisos por e-mail" in html and "Informar irregularidade" in html
    subscribe(client, personas.manager_x)
    assert "Deixar de receber avisos" in client.get(reverse("monitoring:panel")).content.decode()
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:panel")).content.decode()
    assert "Receber avisos" not in html and "Informar irregularidade" not in html


@pytest.mark.parametrize("who", ["noc", "carrier_a", "unit_x"])
def test_only_agency_managers_subscribe(client, personas, who):
    client.force_login(getattr(personas, who))
    assert (
        client.post(reverse("monitoring:panel-subscription"), {"subscribed": "on"}).status_code
        == 403
    )
    assert not OutageSubscription.objects.exists()


def report_form(network, **files):
    return {
        "link": network.link_x_metro.pk,
        "description": "Acesso lento desde as 8h, sem resposta da operadora.",
        "files": list(files.values()),
    }


def test_a_manager_reports_an_irregularity_that_lands_on_the_noc_panel(client, personas, network):
    client.force_login(personas.manager_x)
    data = report_form(
        network,
        pdf=SimpleUploadedFile("laudo.pdf", PDF, "application/pdf"),
        txt=SimpleUploadedFile("log.txt", b"ping perdido", "text/plain"),
    )
    response = client.post(reverse("monitoring:irregularity-new"), data, follow=True)
    assert "Irregularidade informada ao Centro de Operações (NOC)." in response.content.decode()
    report = IrregularityReport.objects.get()
    assert (report.link, report.reported_by, report.status) == (
        network.link_x_metro,
        personas.manager_x,
        IrregularityStatus.OPEN,
    )
    assert sorted(a.name for a in report.attachments.all()) == ["laudo.pdf", "log.txt"]
    client.force_login(personas.noc)
    panel = client.get(reverse("monitoring:panel")).content.decode()
    assert '<span class="kind-badge irregularity">' in panel and "Acesso lento desde as 8h" in panel
    assert "1</strong> irregularidade a responder" in panel
    attachment = report.attachments.get(name="laudo.pdf")
    url = reverse("monitoring:irregularity-attachment", args=[report.pk, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    personas.manager_x.email = "gestor.sef@orgao.mg.gov.br"
    personas.manager_x.save(update_fields=["email"])
    answer_url = reverse("monitoring:irregularity-answer", args=[report.pk])
    unconfirmed = client.post(answer_url, {"answer": "Chamado aberto."}, follow=True)
    assert "Marque a caixa de confirmação para continuar." in unconfirmed.content.decode()
    assert IrregularityReport.objects.get(pk=report.pk).status == IrregularityStatus.OPEN
    done = client.post(answer_url, {"answer": "Chamado aberto.", "confirmed": "on"}, follow=True)
    assert "Aviso enviado a: " in done.content.decode()
    report.refresh_from_db()
    assert (report.status, report.answered_by) == (IrregularityStatus.ANSWERED, personas.noc)
    [answer] = Message.objects.filter(kind=MessageKind.IRREGULARITY_ANSWER)  # to the reporter
    assert answer.ref == f"monitoring.irregularityreport:{report.pk}"
    assert answer.to == ["gestor.sef@orgao.mg.gov.br"] and "Chamado aberto." in answer.body
    assert "kind-badge irregularity" not in client.get(reverse("monitoring:panel")).content.decode()
    client.force_login(personas.manager_x)
    detail = client.get(
        reverse("monitoring:irregularity-detail", args=[report.pk])
    ).content.decode()
    assert "Chamado aberto." in detail


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("virus.exe", b"MZ\x90\x00\x03", "application/octet-stream"),
            "virus.exe: o conteúdo não é de um arquivo aceito",
        ),
        (
            SimpleUploadedFile("falso.pdf", b"MZ not a pdf", "application/pdf"),
            "falso.pdf: o conteúdo é texto (.txt), mas o nome termina em “.pdf”",
        ),
        (
            SimpleUploadedFile(
                "foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "image/png"
            ),
            "o limite é de 10,0 MB por arquivo",
        ),
    ],
)
def test_attachments_are_checked_for_type_and_size(client, personas, network, upload, error):
    client.force_login(personas.manager_x)
    response = client.post(reverse("monitoring:irregularity-new"), report_form(network, f=upload))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not IrregularityReport.objects.exists()


def test_a_manager_cannot_report_on_another_agencys_link(personas, network):
    with pytest.raises(DomainError):
        noc.irregularity_report(
            link_id=network.link_y_metro.pk,
            description="x",
            files=[],
            by=personas.manager_x,
            now=at(0),
        )
    form = IrregularityForm(agency_id=personas.manager_x.agency_id)
    assert network.link_y_metro not in form.fields["link"].queryset


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("noc", 200),
        ("manager_x", 200),
        ("carrier_a", 200),
        ("manager_y", 404),
        ("carrier_b", 404),
        ("outsider", 404),
    ],
)
def test_report_pages_per_persona(client, personas, network, who, status):
    report = noc.irregularity_report(
        link_id=network.link_x_metro.pk,
        description="Sem sinal",
        files=[SimpleUploadedFile("laudo.pdf", PDF, "application/pdf")],
        by=personas.manager_x,
        now=at(0),
    )
    client.force_login(getattr(personas, who))
    assert (
        client.get(reverse("monitoring:irregularity-detail", args=[report.pk])).status_code
        == status
    )
    url = reverse(
        "monitoring:irregularity-attachment", args=[report.pk, report.attachments.get().pk]
    )
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("who", "status"), [("noc", 403), ("carrier_a", 403), ("outsider", 403)])
def test_only_managers_open_the_report_form(client, personas, who, status):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("monitoring:irregularity-new")).status_code == status


def test_only_the_noc_answers(client, personas, network):
    report = noc.irregularity_report(
        link_id=network.link_x_metro.pk, description="x", files=[], by=personas.manager_x, now=at(0)
    )
    client.force_login(personas.manager_x)
    url = reverse("monitoring:irregularity-answer", args=[report.pk])
    assert client.post(url, {"answer": "Respondo eu"}).status_code == 403
    client.force_login(personas.noc)
    client.post(url, {"answer": "Respondido", "confirmed": "on"})
    client.post(url, {"answer": "De novo", "confirmed": "on"}, follow=True)
    report.refresh_from_db()
    assert report.answer == "Respondido"
