"""Reads of billing: statement lines a user may see, totals, and the statement document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from billing.choices import ACTIVE_JOB_STATES, JobState, PeriodStatus
from billing.computation import month_minutes
from billing.models import BillingPeriod, Correction, LineShare, PeriodJob, StatementLine
from core.instants import local_midnight, local_month_of, month_bounds, month_parse
from redegov.access import BILLING_STAFF, holds, restrict
from redegov.todo import TodoItem

AMOUNTS = ("amount_due", "discount", "imr_adjustment", "fines", "corrections", "net")
SUMS = {name: Sum(name) for name in AMOUNTS}


def line_list(*, user, period: BillingPeriod) -> QuerySet[StatementLine]:
    return (
        restrict(StatementLine.objects.filter(period=period), user)
        .select_related("link", "agency", "lot", "carrier")
        .prefetch_related("shares__carrier")
        .order_by("link__circuit_id")
    )


def line_get_for_user(*, user, pk: int) -> StatementLine:
    line = StatementLine.objects.filter(pk=pk).select_related("period").first()
    if line is None or not line_list(user=user, period=line.period).filter(pk=pk).exists():
        raise Http404("Linha não encontrada")
    return line


def period_get(*, label: str) -> BillingPeriod:
    """ "2026-10" -> its period; Http404 when it was never computed."""
    try:
        year, month = month_parse(label)
    except ValueError as exc:
        raise Http404("Competência inválida") from exc
    period = BillingPeriod.objects.filter(year=year, month=month).first()
    if period is None:
        raise Http404("Competência não encontrada")
    return period


def totals(lines: QuerySet[StatementLine]) -> dict[str, Decimal]:
    sums = lines.aggregate(**SUMS)
    return {name: sums[name] or Decimal("0.00") for name in AMOUNTS}


def zero_sums() -> dict[str, Any]:
    """The sums of no lines: a count and the six amounts."""
    return {"lines": 0, **dict.fromkeys(AMOUNTS, Decimal("0.00"))}


def sums_by(lines: QuerySet[StatementLine], key: str, label: str) -> list[Mapping[str, Any]]:
    """The lines' count and amounts summed per `key`, each group named by `label`."""
    return list(
        lines.prefetch_related(None)
        .order_by()
        .values(key=F(key), label=F(label))
        .annotate(lines=Count("pk"), **SUMS)
        .order_by("label")
    )


def member_sums(lines: QuerySet[StatementLine]) -> list[dict[str, object]]:
    """What each carrier gets: the consortium lines by member share, the others whole."""
    alone = sums_by(lines.filter(shares=None), "carrier", "carrier__name")
    shares = (
        LineShare.objects.filter(line__in=lines.values("pk"))
        .values(key=F("carrier"), label=F("carrier__name"))
        .annotate(lines=Count("line"), **SUMS)
    )
    groups: dict[int, dict[str, Any]] = {}
    for row in [*alone, *shares]:
        group = groups.setdefault(
            row["key"], {"key": row["key"], "label": row["label"], **zero_sums()}
        )
        for name in ("lines", *AMOUNTS):
            group[name] += row[name]
    return sorted(groups.values(), key=lambda row: row["label"])


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def statement_document(
    *, period: BillingPeriod, lines: QuerySet[StatementLine]
) -> dict[str, object]:
    """The statement as the `statement` command and the API give it: amounts as strings with
    two decimals, a consortium's members with their split amounts, and the corrections."""
    rows = list(lines)
    document_lines = []
    for line in rows:
        entry = {
            "circuit_id": line.link.circuit_id,
            "agency": line.agency.code,
            "carrier": line.carrier.code,
            "lot": line.lot.number,
            "outage_minutes": line.outage_minutes,
            **{name: _money(getattr(line, name)) for name in AMOUNTS},
            "members": [
                {
                    "carrier": share.carrier.code,
                    "share": f"{share.share:.4f}",
                    **{name: _money(getattr(share, name)) for name in AMOUNTS},
                }
                for share in line.shares.all()
            ],
        }
        document_lines.append(entry)
    sums = {name: sum((getattr(line, name) for line in rows), Decimal("0.00")) for name in AMOUNTS}
    corrections = Correction.objects.filter(
        period=period, link_id__in=[line.link_id for line in rows]
    ).select_related("link", "corrects")
    return {
        "period": period.label,
        "status": period.status,
        "month_minutes": month_minutes(period.year, period.month),
        "lines": document_lines,
        "totals": {name: _money(value) for name, value in sums.items()},
        "correction_items": [
            {
                "circuit_id": c.link.circuit_id,
                "corrects": c.corrects.label,
                "reason": c.reason,
                "amount": _money(c.amount),
            }
            for c in corrections.order_by("link__circuit_id", "created_at")
        ],
    }


@dataclass(frozen=True)
class JobProgress:
    """How far a month's job has gone: lines written of all, or None before it writes."""

    done: int | None
    total: int | None

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return self.done * 100 // self.total  # type: ignore[operator]  # done is set with total


def job_progress_key(job_id: int) -> str:
    """Where a running job's progress is kept (the cache: the job's own transaction cannot
    show it to anyone until it ends)."""
    return f"billing:job:{job_id}:progress"


def job_progress(job: PeriodJob) -> JobProgress:
    if not job.is_active:
        return JobProgress(1, 1) if job.state == JobState.DONE else JobProgress(None, None)
    done, total = cache.get(job_progress_key(job.pk), (None, None))
    return JobProgress(done, total)


def jobs_active() -> dict[int, PeriodJob]:
    """The queued or running job of each month that has one."""
    return {
        job.period_id: job
        for job in PeriodJob.objects.filter(state__in=ACTIVE_JOB_STATES).select_related("period")
    }


def period_todo(*, user, now: datetime) -> list[TodoItem]:
    """Billing staff's months to close: every open month that has ended (closing is allowed
    only then), and last month while it has not even been computed. The contract sets no
    deadline for closing: each shows how long it has waited since its month ended."""
    if not holds(user, BILLING_STAFF):
        return []
    this_month = local_month_of(now)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    open_months = {
        (p.year, p.month): p
        for p in BillingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("year", "month")
        if month_bounds(p.year, p.month)[1] <= now
    }
    items = [
        TodoItem(
            title=f"Competência {p}: fechar",
            detail="calculada, a fechar" if p.computed_at else "ainda não calculada",
            url=reverse("billing:period-overview", args=[p.label]),
            since=month_bounds(p.year, p.month)[1],
        )
        for p in open_months.values()
    ]
    last = (last_month.year, last_month.month)
    if (
        last not in open_months
        and not BillingPeriod.objects.filter(year=last_month.year, month=last_month.month).exists()
    ):
        items.append(
            TodoItem(
                title=f"Competência {last_month.month:02d}/{last_month.year}: calcular e fechar",
                detail="ainda não calculada",
                url=reverse("billing:period-list"),
                since=local_midnight(this_month),
            )
        )
    return items
