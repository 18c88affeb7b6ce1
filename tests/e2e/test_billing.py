"""Billing staff compute last month, close it after confirming, and see the discount of an outage,
in chromium, while a real Celery worker runs the computing and the closing."""

from datetime import datetime, time, timedelta
from fractions import Fraction

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from billing.computation import month_minutes
from core.instants import LOCAL_TZ
from core.money import round_brl
from core.templatetags.formatting import brl
from tests.support.billing import outage
from tests.support.processes import celery_env, celery_start, celery_stop

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker(tmp_path):
    """A Celery worker taking this test process's queue, with its cache (job progress)."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)  # earlier tests' leftovers
    env = celery_env(settings.CELERY_BROKER_URL, REDIS_URL=settings.CACHES["default"]["LOCATION"])
    process = celery_start(
        env, tmp_path / "celery.log", "worker", "--pool", "solo", "-Q", queue, "--without-mingle"
    )
    yield process
    celery_stop(process)


def test_billing_staff_compute_and_close_a_month_with_a_discount(
    login,
    personas,
    priced_simple,
    live_server,
    worker,
):
    first_of_this_month = timezone.localdate().replace(day=1)
    last_month = (first_of_this_month - timedelta(days=1)).replace(day=15)
    start = datetime.combine(last_month, time(8, 0), tzinfo=LOCAL_TZ)
    outage(priced_simple.link_x_metro, start, start.replace(hour=10, minute=30))
    discount = round_brl(
        Fraction("905.52") * 150 / month_minutes(last_month.year, last_month.month)
    )
    competencia = f"{last_month:%m/%Y}"

    page = login("ugs")
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_text("Faturamento").click()
    nav.get_by_role("link", name="Competências").click()
    page.get_by_label("Competência", exact=True).fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="Calcular competência").click()
    expect(
        page.get_by_role("heading", name=f"Cálculo da competência {competencia}")
    ).to_be_visible()
    # The progress fragment refreshes itself until the worker has finished.
    expect(page.locator("#andamento")).to_contain_text(
        f"Competência {competencia} calculada.", timeout=30_000
    )

    page.get_by_role("link", name="Competências", exact=False).click()
    page.get_by_role("link", name=f"Fechar competência {competencia}").click()
    expect(page.get_by_role("heading", name=f"Fechar a competência {competencia}?")).to_be_visible()
    page.get_by_label("Confirmo: esta ação não pode ser desfeita.").check()
    page.get_by_role("button", name="Fechar competência").click()
    expect(page.locator("#andamento")).to_contain_text(
        f"Competência {competencia} fechada.", timeout=30_000
    )
    page.get_by_role("link", name="Competências", exact=False).click()
    row = page.locator("#competencias tbody tr").first
    expect(row).to_contain_text("Fechada")
    expect(row).to_contain_text(brl(discount))

    row.get_by_role("link", name="Demonstrativo").click()
    line = page.locator("#demonstrativo tbody tr", has_text="BHZ-0001")
    expect(line).to_contain_text(brl(discount))
    line.get_by_role("link", name="BHZ-0001").click()
    expect(page.locator("#calculo")).to_contain_text(f"arredondada: {brl(discount)}")
