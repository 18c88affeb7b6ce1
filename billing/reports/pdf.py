"""The technical report and the summaries as PDF (WeasyPrint through `redegov.pdf`, whose
fetcher serves the project's static files only), nothing else."""

from billing.reports.selectors import AgencyReport
from billing.reports.summaries import Summary
from redegov.pdf import render_pdf


def agency_report_pdf(report: AgencyReport) -> bytes:
    return render_pdf("reports/pdf/report.html", {"report": report})


def summary_pdf(summary: Summary) -> bytes:
    return render_pdf("reports/pdf/summary.html", {"summary": summary})
