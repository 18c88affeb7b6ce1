"""What waits for the NOC, in chromium (issue 23, docs/noc.md): the header's badge counts the
to-do's disputes and irregularity reports, leads to the to-do list, and goes down once the NOC
answers a report from the irregularity list, with the count cached as in production."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from monitoring.selectors.lists import NOC_PENDING_KEY
from monitoring.services.noc import irregularity_report
from tests.support.monitoring import dispute_filed
from tests.support.time import at

pytestmark = pytest.mark.e2e


@pytest.fixture
def waiting(network, personas, settings):
    """A carrier's dispute and an agency's report wait for the NOC; the badge's cache is on."""
    settings.NOC_PENDING_CACHE_SECONDS = 30
    cache.delete(NOC_PENDING_KEY)
    dispute_filed(network, personas)
    irregularity_report(
        link_id=network.link_y_metro.pk,
        description="Lento desde cedo",
        files=[],
        by=personas.manager_y,
        now=at(140),
    )
    yield
    cache.delete(NOC_PENDING_KEY)


def test_the_noc_follows_its_badge_answers_a_report_and_the_count_goes_down(
    login, live_server, waiting
):
    page = login("noc")
    page.goto(f"{live_server.url}/indisponibilidades/")
    menu = page.get_by_role("navigation", name="Menu principal")
    badge = menu.get_by_role("link", name="2 pendências do NOC")
    expect(badge).to_have_text("Pendências 2")

    badge.click()
    todo = page.locator("#a-fazer")
    expect(todo).to_be_in_viewport()
    expect(todo.locator("tbody tr")).to_have_count(2)
    expect(todo).to_contain_text("Irregularidade informada: CTG-0001")

    menu.locator("summary", has_text="Rede").click()
    menu.get_by_role("link", name="Irregularidades").click()
    row = page.locator("#irregularidades tbody tr", has_text="CTG-0001")
    expect(row).to_contain_text("Aguardando resposta do NOC")
    row.get_by_role("link", name="Abrir").click()

    page.locator("details.confirm > summary", has_text="Responder e retirar do painel").click()
    dialog = page.get_by_role("dialog", name="Responder e retirar do painel")
    dialog.get_by_label("Resposta").fill("Chamado aberto com a operadora.")
    dialog.get_by_label("Confirmo: esta ação não pode ser desfeita.").check()
    dialog.get_by_role("button", name="Responder e retirar do painel").click()
    expect(page.locator(".messages")).to_contain_text("Resposta registrada.")

    # One left: the dispute. The count was forgotten when the answer committed.
    expect(menu.get_by_role("link", name="1 pendência do NOC")).to_have_text("Pendência 1")
    page.goto(f"{live_server.url}/irregularidades/")
    expect(page.locator("#irregularidades tbody")).to_contain_text("Nenhuma irregularidade")
