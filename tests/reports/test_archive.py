"""Every agency's report of a closed month generated in the background as one ZIP, through the
billing jobs: the request, the run a worker makes (`billing.services.period_job_run`), its
progress, the file kept in MEDIA_ROOT and served only to billing staff."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from billing import services
from billing.choices import JobKind, JobState
from billing.models import PeriodJob
from billing.selectors import job_progress_key
from core.exceptions import DomainError
from tests.support.billing import compute, job_run_watched
from tests.support.outbox import deliver_pending
from tests.support.reports import pdf_pages
from tests.support.time import local

NOW = local(2026, 11, 25, 10, 0)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def request_reports(period, user) -> PeriodJob:
    return services.period_job_request(period=period, kind=JobKind.REPORTS, user=user, now=NOW)


@pytest.mark.django_db
def test_the_job_zips_every_agencys_report_reports_progress_and_runs_once(
    october_closed, billing_staff, media
):
    job = request_reports(october_closed, billing_staff)
    done, seen = job_run_watched(job)
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert (done.state, done.message) == (
        JobState.DONE,
        "2 relatórios técnicos da competência 10/2026 gerados.",
    )
    assert done.file.name.startswith("tarefas/") and done.file.name.endswith(".zip")
    assert done.file.path.startswith(str(media))
    with zipfile.ZipFile(done.file.path) as archive:
        assert archive.namelist() == [
            "relatorio-tecnico-2026-10-SEE.pdf",
            "relatorio-tecnico-2026-10-SEF.pdf",
        ]
        see = "\n".join(pdf_pages(archive.read("relatorio-tecnico-2026-10-SEE.pdf")))
        sef = "\n".join(pdf_pages(archive.read("relatorio-tecnico-2026-10-SEF.pdf")))
    assert "SEE · Secretaria de Estado de Educação" in see and "CTG-0001" in see
    assert "BHZ-0001" in sef and "R$ 902,48" in sef and "CTG-0001" not in sef
    assert deliver_pending() == 1
    [message] = mail.outbox
    assert "Relatórios técnicos da competência 10/2026: concluída" in message.subject

    # A second delivery of the task finds the job done: nothing is generated again.
    again = services.period_job_run(job_id=job.pk)
    assert (again.state, again.file.name) == (JobState.DONE, done.file.name)
    assert deliver_pending() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_reports_are_generated_for_closed_months_only(priced_simple, billing_staff):
    november = compute(2026, 11, now=NOW)
    with pytest.raises(DomainError, match="saem depois do fechamento"):
        request_reports(november, billing_staff)
    assert not PeriodJob.objects.exists()


@pytest.mark.django_db
def test_the_page_queues_the_job_and_offers_the_zip_to_billing_staff_only(
    client, october_closed, billing_staff, personas
):
    client.force_login(billing_staff)
    response = client.post(reverse("reports:month-archive", args=["2026-10"]))
    job = PeriodJob.objects.get()
    job_url = reverse("billing:job", args=[job.pk])
    assert (job.kind, response.url) == (JobKind.REPORTS, job_url)
    assert "Relatórios técnicos da competência 10/2026" in client.get(job_url).content.decode()

    job.state = JobState.RUNNING
    job.save(update_fields=["state"])
    cache.set(job_progress_key(job.pk), (1, 2))
    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert "1 de 2 relatórios gerados" in fragment
    assert '<progress max="100" value="50"' in fragment

    job.state = JobState.QUEUED
    job.save(update_fields=["state"])
    services.period_job_run(job_id=job.pk)
    file_url = reverse("billing:job-file", args=[job.pk])
    fragment = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    assert f'href="{file_url}"' in fragment and "Baixar os relatórios (ZIP)" in fragment
    assert file_url in client.get(reverse("reports:month", args=["2026-10"])).content.decode()

    download = client.get(file_url)
    assert download.status_code == 200
    assert 'filename="relatorios-tecnicos-2026-10' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == 2

    for persona in ("committee", "noc", "manager_x", "carrier_a", "outsider"):
        client.force_login(getattr(personas, persona))
        assert client.get(file_url).status_code == 403, persona
        assert client.post(reverse("reports:month-archive", args=["2026-10"])).status_code == 403
    client.logout()
    assert client.get(file_url).status_code == 302  # to the login page
    # MEDIA_ROOT has no public URL: the file is reached through the job only.
    client.force_login(billing_staff)
    assert client.get(f"/media/{job.file.name}").status_code == 404


@pytest.mark.django_db
def test_a_job_without_a_file_has_nothing_to_download(client, priced_simple, billing_staff):
    period = services.period_get_or_create(year=2026, month=10)
    job = services.period_job_request(
        period=period, kind=JobKind.COMPUTE, user=billing_staff, now=NOW
    )
    services.period_job_run(job_id=job.pk)
    client.force_login(billing_staff)
    assert client.get(reverse("billing:job-file", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_refusals_come_back_to_the_months_page_as_messages(client, priced_simple, billing_staff):
    compute(2026, 10, now=NOW)
    client.force_login(billing_staff)
    html = client.post(reverse("reports:month-archive", args=["2026-10"]), follow=True)
    assert "saem depois do fechamento" in html.content.decode()
