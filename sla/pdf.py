"""The monthly IMR report as PDF (WeasyPrint through `redegov.pdf`), nothing else."""

from datetime import datetime

from redegov.pdf import render_pdf
from sla.selectors import MonthView


def month_report(*, view: MonthView, at: datetime) -> bytes:
    return render_pdf("sla/pdf/month_report.html", {"view": view, "month": view.results, "at": at})
