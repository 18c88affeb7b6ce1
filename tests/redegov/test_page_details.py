"""Small things every page shows: the favicon, the message after logging out (issue 23)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

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
