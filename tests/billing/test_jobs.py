"""Computing and closing a month in the background: the request, the run a worker makes, its
progress, its refusals, and the person who asked being told how it ended."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from billing import services
from billing.choices import JobKind, JobState
from billing.models import BillingPeriod, PeriodJob
from billing.selectors import job_progress, job_progress_key
from core.exceptions import DomainError
from tests.support.billing import job_run_watched, worked_example_outage
from tests.support.outbox import deliver_pending
from tests.support.time import local

PERIODS_URL = reverse("billing:period-list")
COMPUTE_URL = reverse("billing:period-compute")
CLOSE_URL = reverse("billing:period-close", args=["2026-10"])
pytestmark = pytest.mark.usefixtures("late_november")


def october_period() -> BillingPeriod:
    return services.period_get_or_create(year=2026, month=10)


def request(kind: str, user, period: BillingPeriod | None = None) -> PeriodJob:
    return services.period_job_request(
        period=period or october_period(), kind=kind, user=user, now=local(2026, 11, 25, 10, 0)
    )


@pytest.mark.django_db
def test_a_computation_runs_once_reports_progress_and_tells_who_asked(priced_simple, billing_staff):
    worked_example_outage(priced_simple)
    job = request(JobKind.COMPUTE, billing_staff)
    assert job.state == JobState.QUEUED
    assert job_progress(job).done is None

    done, seen = job_run_watched(job)
    assert seen[0] == (0, 3)
    assert seen[-1] == (3, 3)
    assert (done.state, done.message) == (JobState.DONE, "Competência 10/2026 calculada.")
    assert done.started_at is not None and done.finished_at is not None
    assert october_period().lines.get(link=priced_simple.link_x_metro).discount == Decimal("3.04")
    assert deliver_pending() == 1
    [message] = mail.outbox
    assert message.to == [billing_staff.email]
    assert "Cálculo da competência 10/2026: concluída" in message.subject
    # A second delivery of the task finds the job no longer queued: nothing runs twice.
    before = october_period().computed_at
    assert services.period_job_run(job_id=job.pk).state == JobState.DONE
    assert october_period().computed_at == before
    assert deliver_pending() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_closing_job_freezes_the_month(priced_simple, billing_staff):
    job = services.period_job_run(job_id=request(JobKind.CLOSE, billing_staff).pk)
    assert (job.state, job.message) == (JobState.DONE, "Competência 10/2026 fechada.")
    period = october_period()
    assert period.is_closed
    assert period.closed_by == billing_staff
    assert period.lines.count() == 3
    with pytest.raises(DomainError, match="já está fechada"):
        request(JobKind.COMPUTE, billing_staff)


@pytest.mark.django_db
def test_a_failed_job_keeps_the_reason_and_writes_nothing(network, billing_staff):
    job = services.period_job_run(job_id=request(JobKind.COMPUTE, billing_staff).pk)
    assert job.state == JobState.FAILED
    assert job.message.startswith("Preço ausente; nada foi calculado.")
    assert not october_period().lines.exists()
    deliver_pending()
    assert "falhou" in mail.outbox[0].subject


@pytest.mark.django_db
def test_one_job_per_month_at_a_time_and_no_closing_before_the_end(priced_simple, billing_staff):
    first = request(JobKind.COMPUTE, billing_staff)
    with pytest.raises(DomainError, match="Já há uma tarefa em andamento"):
        request(JobKind.CLOSE, billing_staff)
    services.period_job_run(job_id=first.pk)
    request(JobKind.CLOSE, billing_staff)  # once the first has ended, the month takes another
    november = services.period_get_or_create(year=2026, month=11)
    with pytest.raises(DomainError, match="só pode ser fechada depois de terminar"):
        request(JobKind.CLOSE, billing_staff, november)
    assert not november.jobs.exists()


@pytest.mark.django_db
def test_the_pages_queue_show_progress_and_the_outcome(client, priced_simple, billing_staff):
    client.force_login(billing_staff)
    response = client.post(COMPUTE_URL, {"month": "2026-10"})
    job = PeriodJob.objects.get()
    job_url = reverse("billing:job", args=[job.pk])
    assert response.url == job_url
    assert "Aguardando um processador livre" in client.get(job_url).content.decode()
    listed = client.get(PERIODS_URL).content.decode()
    assert f'href="{job_url}">Cálculo: na fila</a>' in listed

    job.state = JobState.RUNNING
    job.save(update_fields=["state"])
    cache.set(job_progress_key(job.pk), (1, 4))
    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert "1 de 4 linhas gravadas" in fragment
    assert '<progress max="100" value="25"' in fragment
    assert 'hx-trigger="every 1s"' in fragment

    job.state = JobState.QUEUED
    job.save(update_fields=["state"])
    services.period_job_run(job_id=job.pk)
    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert "Competência 10/2026 calculada." in fragment
    assert "hx-trigger" not in fragment  # the page stops asking once the job has ended
    assert reverse("billing:period-overview", args=["2026-10"]) in fragment


@pytest.mark.django_db
def test_the_close_button_queues_a_closing_and_refusals_come_back_as_messages(
    client, priced_simple, billing_staff
):
    october_period()
    services.period_get_or_create(year=2026, month=11)
    client.force_login(billing_staff)
    response = client.post(CLOSE_URL, {"confirmed": "on"})
    job = PeriodJob.objects.get()
    assert (job.kind, response.url) == (JobKind.CLOSE, reverse("billing:job", args=[job.pk]))
    again = client.post(CLOSE_URL, {"confirmed": "on"}, follow=True).content.decode()
    assert "Já há uma tarefa em andamento para a competência 10/2026" in again
    november = client.post(
        reverse("billing:period-close", args=["2026-11"]), {"confirmed": "on"}, follow=True
    ).content.decode()
    assert "só pode ser fechada depois de terminar" in november


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["noc", "committee", "manager_x", "carrier_a", "outsider"])
def test_only_billing_staff_see_a_job(client, personas, priced_simple, billing_staff, persona):
    job = request(JobKind.COMPUTE, billing_staff)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("billing:job", args=[job.pk])).status_code == 403
