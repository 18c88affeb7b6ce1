"""Writes of the technical reports: an agency manager's attestation, and the month's reports of
every agency as one ZIP for the background job (`billing.services.period_job_run`)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import BillingPeriod, StatementLine
from billing.reports.models import Attestation
from billing.reports.pdf import agency_report_pdf
from billing.reports.selectors import agency_report, attest_capacity, report_digests
from billing.selectors import totals
from core.exceptions import DomainError
from inventory.models import Agency


@transaction.atomic
def report_attest(
    *, period: BillingPeriod, agency: Agency, user, digest: str, now: datetime
) -> Attestation:
    """The agency's manager (or substitute) attests its technical report of `period`, whose
    figures had `digest` when the page showed them. Refused for anyone but the agency's named
    manager or substitute, for a month not closed yet (the report is issued at closing), and
    when the figures changed since the page was shown. Attesting figures already attested
    changes nothing and returns that attestation."""
    capacity = attest_capacity(user, agency)
    if capacity is None:
        raise DomainError(
            "Só o gestor do órgão, titular ou substituto, atesta o relatório técnico."
        )
    if not period.is_closed:
        raise DomainError(
            f"O relatório técnico da competência {period} é emitido no fechamento; "
            "atesta-se depois dele."
        )
    current = report_digests(periods=[period], agency_ids=[agency.pk]).get((period.pk, agency.pk))
    if current is None:
        raise DomainError(f"{agency.code} não tem acessos faturados na competência {period}.")
    if digest != current:
        raise DomainError(
            "Os valores do relatório mudaram depois que a página foi aberta: "
            "confira-os e ateste de novo."
        )
    lines = StatementLine.objects.filter(period=period, agency=agency)
    attestation = Attestation(
        period=period,
        agency=agency,
        attested_by=user,
        capacity=capacity,
        attested_at=now,
        digest=digest,
        totals={"lines": lines.count()} | {k: str(v) for k, v in totals(lines).items()},
    )
    # The database guards "the same figures once" (a second click must not fail).
    attestation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attestation.save()
    except IntegrityError:
        return Attestation.objects.get(period=period, agency=agency, digest=digest)
    return attestation


@dataclass(frozen=True)
class ReportArchive:
    """The month's reports in a ZIP: a temporary file the caller stores and closes."""

    file: File
    count: int


def reports_archive(
    *, period: BillingPeriod, progress: Callable[[int, int], None]
) -> ReportArchive:
    """Every agency's technical report of `period` (those with lines in it), one PDF each, in
    one ZIP; `progress(done, total)` is told after each report. Writes nothing to the
    database: running it twice makes the same archive."""
    agencies = list(
        Agency.objects.filter(
            pk__in=StatementLine.objects.filter(period=period).values("agency")
        ).order_by("code")
    )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    progress(0, len(agencies))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, agency in enumerate(agencies, start=1):
            report = agency_report(period=period, agency=agency, now=timezone.now())
            archive.writestr(report.filename, agency_report_pdf(report))
            progress(done, len(agencies))
    out.seek(0)
    return ReportArchive(File(out, name=f"relatorios-tecnicos-{period.label}.zip"), len(agencies))
