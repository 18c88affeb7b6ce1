"""The incident panel's rows are rendered once for everyone of one reading and minute
(monitoring/templatetags/shared.py), yet each person's forms carry that person's own CSRF token,
a note shows at once, and one scope's rows never serve another."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from monitoring.templatetags.shared import PLACEHOLDER
from redegov.roles import Role
from tests.people.factories import user_with_role
from tests.support.monitoring import circuits

pytestmark = pytest.mark.django_db

PANEL = reverse("monitoring:panel")


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_each_operator_posts_with_their_own_token(personas, panel_outages, panel_cache):
    """Two NOC operators open the same panel (the second gets the first's shared rows); the
    second acknowledges an outage from it, with CSRF checks on as in a browser."""
    first = Client(enforce_csrf_checks=True)
    first.force_login(personas.noc)
    first_page = first.get(PANEL).content.decode()
    second = Client(enforce_csrf_checks=True)
    second.force_login(user_with_role("noc2", Role.NOC))
    page = second.get(PANEL).content.decode()
    assert PLACEHOLDER not in page and PLACEHOLDER not in first_page
    assert tokens(page) and tokens(page) != tokens(first_page)
    outage = panel_outages.first()
    data = {
        "subject": "outage",
        "pk": outage.pk,
        "acknowledgement": "on",
        "csrfmiddlewaretoken": tokens(page).pop(),
    }
    response = second.post(reverse("monitoring:panel-note"), data)
    assert response.status_code == 302
    assert "Reconhecido por" in second.get(PANEL).content.decode()


def test_rows_are_shared_only_within_a_scope(client, personas, panel_outages, panel_cache):
    client.force_login(personas.noc)
    noc_page = client.get(PANEL).content.decode()
    assert circuits(noc_page) == ["CTG-0001", "BHZ-0001"]
    assert "Reconhecer" in noc_page
    # Agency Y's manager: its own rows, and no NOC buttons though the NOC's rows are cached.
    client.force_login(personas.manager_y)
    page = client.get(PANEL).content.decode()
    assert circuits(page) == ["CTG-0001"]
    assert "Reconhecer" not in page and "Comentar" not in page
