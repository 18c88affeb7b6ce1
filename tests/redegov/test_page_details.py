"""Small things pages show (issue 23): the favicon, the message after logging out, plurals,
an outage's span."""

from datetime import datetime, timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from core.templatetags.formatting import count_br, interval_br, local_dt, plural_br
from monitoring.choices import OutageSource
from tests.monitoring.factories import OutageFactory
from tests.people.factories import PASSWORD
from tests.support.time import SP


@pytest.mark.django_db
def test_logging_out_says_so_on_the_login_page(client, personas):
    client.post(reverse("login"), {"username": "noc", "password": PASSWORD})
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Você saiu do portal." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_every_page_links_the_favicon(client):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("img/favicon.svg")


def test_counts_take_the_portuguese_plural():
    forms = "irregularidade,irregularidades"
    assert [f"{n} {plural_br(n, forms)}" for n in (0, 1, 2, 1234)] == [
        "0 irregularidade",
        "1 irregularidade",
        "2 irregularidades",
        "1234 irregularidades",
    ]
    assert count_br(1234, "ordem,ordens") == "1.234 ordens"


@pytest.mark.django_db
def test_the_list_of_one_link_says_one_link(client, personas, network):
    network.link_y_metro.delete()
    network.link_x_interior.delete()
    client.force_login(personas.noc)
    html = client.get(reverse("inventory:link-list")).content.decode()
    assert "<strong>1</strong> acesso</span>" in html


def test_an_outage_says_how_long_it_lasted_or_has_been_open():
    start = datetime(2026, 12, 1, 16, 58, tzinfo=SP)
    now = start + timedelta(hours=2, minutes=10)
    assert interval_br(start, None, now) == "desde 01/12/2026 16:58 (em aberto há 2 h 10 min)"
    assert interval_br(start, start + timedelta(minutes=62)) == (
        "de 01/12/2026 16:58 a 01/12/2026 18:00 (1 h 02 min)"
    )


@pytest.mark.django_db
def test_an_open_outages_page_shows_its_age(client, personas, network):
    start = timezone.now() - timedelta(hours=2, minutes=10, seconds=5)
    outage = OutageFactory(link=network.link_x_metro, start=start, source=OutageSource.ICMP)
    client.force_login(personas.noc)
    html = client.get(reverse("monitoring:outage-detail", args=[outage.pk])).content.decode()
    assert f"desde {local_dt(start)} (em aberto há 2 h 10 min)" in html
