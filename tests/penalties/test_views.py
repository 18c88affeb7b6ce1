"""Pages: who sees what (carriers their own, outsiders 404), the deadline shown, the filing
refused with its reason, the downloads behind permissions, the notice PDF and the report."""

import pytest
import time_machine
from django.urls import reverse

from penalties.choices import ProceedingStatus as S
from penalties.models import Document
from tests.support.penalties import fined, pdf
from tests.support.time import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(open_proceeding):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    return walk


def detail(walk):
    return reverse("penalties:proceeding-detail", args=[walk.proceeding.pk])


def test_list_shows_own_proceedings_only(client, notified, personas, network, open_proceeding):
    other = open_proceeding(lot=network.lot_interior)  # Beta leads, Alfa is a member
    url = reverse("penalties:proceeding-list")
    client.force_login(personas.carrier_b)
    page = client.get(url).content.decode()
    assert other.proceeding.number in page
    assert notified.proceeding.number not in page
    client.force_login(personas.carrier_a)
    page = client.get(url).content.decode()
    assert other.proceeding.number in page and notified.proceeding.number in page


@pytest.mark.parametrize("who", ["carrier_b", "outsider", "manager_x"])
def test_others_get_404(client, notified, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(detail(notified)).status_code == 404
    event = notified.proceeding.events.get(notice=True)
    notice = reverse("penalties:notice-pdf", args=[notified.proceeding.pk, event.pk])
    assert client.get(notice).status_code == 404


@pytest.mark.parametrize("who", ["billing", "legal", "committee", "carrier_a"])
def test_the_page_shows_the_deadline_days_left_and_what_happens_at_expiry(
    client, notified, personas, who, time_machine
):
    time_machine.move_to(local(2026, 11, 16, 10, 0))
    client.force_login(getattr(personas, who))
    page = client.get(detail(notified)).content.decode()
    assert "19/11/2026 às 23:59:59" in page
    assert "13/11/2026" in page  # counted from
    assert '<td class="num">3</td>' in page  # 17, 18 and 19/11
    assert "sem defesa, o processo segue para os pareceres" in page


def test_carrier_files_the_defense_with_a_pdf_and_downloads_it(
    client, notified, personas, time_machine
):
    time_machine.move_to(local(2026, 11, 19, 23, 59))
    client.force_login(personas.carrier_a)
    response = client.post(
        reverse("penalties:proceeding-transition", args=[notified.proceeding.pk]),
        {"to": S.OPINION, "reason": "Razões.", "documents": [pdf()]},
    )
    assert response.status_code == 302
    notified.proceeding.refresh_from_db()
    assert notified.proceeding.status == S.OPINION
    document = Document.objects.get()
    url = reverse("penalties:document-download", args=[notified.proceeding.pk, document.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(personas.carrier_b)
    assert client.get(url).status_code == 404


def test_a_late_defense_is_refused_with_the_reason_shown(client, notified, personas, time_machine):
    time_machine.move_to(local(2026, 11, 20, 0, 0))
    client.force_login(personas.carrier_a)
    response = client.post(
        reverse("penalties:proceeding-transition", args=[notified.proceeding.pk]),
        {"to": S.OPINION, "reason": "Razões."},
        follow=True,
    )
    assert "Prazo de defesa encerrado" in response.content.decode()
    notified.proceeding.refresh_from_db()
    assert notified.proceeding.status == S.NOTIFIED


def test_the_decision_buttons_are_only_the_authoritys(client, open_proceeding, personas, authority):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    walk.opinions(local(2026, 11, 16, 9, 0))
    client.force_login(personas.legal)
    assert "Decidir" not in client.get(detail(walk)).content.decode()
    client.force_login(authority)
    assert "Decidir" in client.get(detail(walk)).content.decode()


def test_notice_pdf(client, notified, personas):
    client.force_login(personas.carrier_a)
    event = notified.proceeding.events.get(notice=True)
    response = client.get(reverse("penalties:notice-pdf", args=[notified.proceeding.pk, event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_only_billing_staff_open(client, personas, network, lei_8666, fine_type):
    url = reverse("penalties:proceeding-open")
    client.force_login(personas.carrier_a)
    assert client.get(url).status_code == 403
    client.force_login(personas.billing)
    response = client.post(
        url,
        {
            "lot": network.lot_metro.pk,
            "sanction": "fine",
            "fine_type": fine_type.pk,
            "facts": "Atrasos reiterados.",
            "orders": "",
            "outages": "",
        },
    )
    assert response.status_code == 302


def test_fines_report_by_carrier_and_status(client, priced_simple, personas, open_proceeding):
    from billing import services as billing

    fined(open_proceeding, amount="2000.00", installments=1)
    period = billing.period_get_or_create(year=2026, month=10)
    billing.period_close(period=period, user=personas.billing, now=local(2026, 11, 1, 1, 0))
    client.force_login(personas.billing)
    page = client.get(reverse("penalties:fines-report")).content.decode()
    assert "Alfa Telecom" in page
    assert "R$ 1.811,04" in page and "R$ 188,96" in page
    export = client.get(reverse("penalties:fines-report-export", args=["csv"]))
    assert export.status_code == 200


@time_machine.travel(local(2026, 11, 13, 9, 0), tick=False)  # the defense is open
def test_home_lists_the_proceedings_waiting_for_each_role(client, notified, personas):
    home = reverse("home")
    number = notified.proceeding.number
    client.force_login(personas.carrier_a)  # its defense is due
    assert f"Processo {number}: apresentar a defesa</a>" in client.get(home).content.decode()
    client.force_login(personas.legal)  # nothing to give an opinion on yet
    assert f"Processo {number}" not in client.get(home).content.decode()
    notified.defend(local(2026, 11, 13, 10, 0))
    assert f"Processo {number}: emitir o parecer jurídico</a>" in client.get(home).content.decode()
    client.force_login(personas.carrier_b)
    assert f"Processo {number}" not in client.get(home).content.decode()
