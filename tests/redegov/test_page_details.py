"""Small things every page shows: the favicon, the message after logging out (issue 23)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from redegov.templatetags.formatting import count_br, plural_br
from tests.e2e.conftest import PASSWORD


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
