"""Writes of billing: computing a month, closing it, and posting corrections for closed months.

A month is computed as often as billing staff like while it is open (its lines are replaced);
closing computes once more and freezes it in the same transaction. A closed month never changes:
a later change that touches it (a responsibility decided, an outage imported late, a price
amendment dated back) becomes a correction on the link's line in the earliest open month after
it, computed against the frozen line (docs/domain.md section 5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal

import orjson
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.choices import ALLOWED_TRANSITIONS, CorrectionKind, JobKind, JobState, PeriodStatus
from billing.computation import LineResult, LineStream, compute_lines
from billing.digest import lines_digest
from billing.invoices.services import closing_check
from billing.models import BillingPeriod, Correction, PeriodJob
from billing.reports.services import reports_archive
from billing.selectors import job_progress_key
from core.bulk import forked_map, gc_paused
from core.exceptions import DomainError
from core.instants import month_bounds
from outbox.choices import MessageKind
from outbox.selectors import ref_of
from outbox.services import message_email
from penalties.services import fines_month_close
from sla.measurement import MeasuredAccesses
from sla.services import LineFigures, imr_month_finalize

ZERO = Decimal("0.00")


def period_get_or_create(*, year: int, month: int) -> BillingPeriod:
    period, _ = BillingPeriod.objects.get_or_create(year=year, month=month)
    return period


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + month // 12, month % 12 + 1)


def _earliest_open_after(period: BillingPeriod) -> BillingPeriod:
    """The first month after `period` that is still open (created when it does not exist)."""
    year, month = _next_month(period.year, period.month)
    while True:
        candidate = period_get_or_create(year=year, month=month)
        if candidate.status == PeriodStatus.OPEN:
            return candidate
        year, month = _next_month(year, month)


Progress = Callable[[int, int], None]  # (lines written, lines in all)


@transaction.atomic
def period_compute(
    *, period: BillingPeriod, now: datetime, progress: Progress | None = None
) -> BillingPeriod:
    """Compute (or recompute) an open month's lines as of `now`; a closed month is left as it
    was frozen. Posts first the corrections owed to this month by the closed ones before it."""
    period = BillingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        return period
    with gc_paused():  # every line's inputs stay reachable until the last is written
        _compute(period, now, progress)
    return period


def _compute(period: BillingPeriod, now: datetime, progress: Progress | None) -> MeasuredAccesses:
    """Compute and store an open, locked month's lines; returns the I1 accesses as the IMR
    measured them for these lines."""
    corrections_post(period=period, now=now)
    results = compute_lines(period, now=now)
    _discard_lines(period)
    _store(period, results, progress or _silent)
    period.computed_at = now
    period.save(update_fields=["computed_at"])
    return results.accesses


def _silent(done: int, total: int) -> None:
    """No one is watching (the command line, a test)."""


def _closable_check(period: BillingPeriod, now: datetime) -> None:
    if PeriodStatus.CLOSED not in ALLOWED_TRANSITIONS[period.status]:
        raise DomainError(f"A competência {period} não pode ser fechada.")
    _, month_end = month_bounds(period.year, period.month)
    if now < month_end:
        raise DomainError(f"A competência {period} só pode ser fechada depois de terminar.")
    closing_check(period)  # carrier invoices' contestations


@transaction.atomic
def period_close(
    *, period: BillingPeriod, user, now: datetime, progress: Progress | None = None
) -> BillingPeriod:
    """Compute and freeze a month that has ended, in one step. Closing twice does nothing.
    Positive corrections a line could not absorb carry to the next open month."""
    period = BillingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        return period
    _closable_check(period, now)
    with gc_paused():  # the month's lines, then its IMR results, all reachable to the end
        accesses = _compute(period, now, progress)
        _imr_finalize(period, now, accesses)
    _fines_finalize(period, now)
    # Only lines with something to carry are read (a month has 10^5 lines).
    carries = [
        (link_id, Decimal(carry))
        for link_id, carry in period.lines.exclude(inputs__correction_carry=str(ZERO)).values_list(
            "link_id", "inputs__correction_carry"
        )
        if Decimal(carry) > 0
    ]
    if carries:
        following = _earliest_open_after(period)
        for link_id, amount in carries:
            Correction.objects.create(
                period=following,
                link_id=link_id,
                corrects=period,
                kind=CorrectionKind.CARRY,
                amount=amount,
                reason=f"saldo de correções não absorvido em {period}",
            )
    period.status = PeriodStatus.CLOSED
    period.closed_at = now
    period.closed_by = user
    # The frozen lines' fingerprint, recomputed from a restored backup (docs/operations.md).
    period.lines_digest = lines_digest(period_id=period.pk)
    period.save(update_fields=["status", "closed_at", "closed_by", "lines_digest"])
    return period


def _imr_finalize(period: BillingPeriod, now: datetime, accesses: MeasuredAccesses) -> None:
    """The month's IMR results become final with it, beside what its lines applied (the I1
    accesses as measured for its lines, not counted again)."""
    imr_month_finalize(
        year=period.year,
        month=period.month,
        now=now,
        accesses=accesses,
        lines=[
            LineFigures(*row)
            for row in period.lines.values_list(
                "link_id", "link__circuit_id", "lot_id", "amount_due", "discount", "imr_adjustment"
            )
        ],
    )


def _fines_finalize(period: BillingPeriod, now: datetime) -> None:
    """What the month's lines collected of each fine (summed by lot) becomes final with it;
    what they could not collect carries to the next month (penalties keeps the schedule)."""
    fines_month_close(
        year=period.year,
        month=period.month,
        now=now,
        applied_by_lot=dict(
            period.lines.values("lot_id")
            .annotate(total=Sum("fines"))
            .values_list("lot_id", "total")
        ),
    )


def _discard_lines(period: BillingPeriod) -> None:
    """An open month's previous computation, removed in two statements (the shares, then the
    lines) rather than row by row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM billing_lineshare WHERE line_id IN "
            "(SELECT id FROM billing_statementline WHERE period_id = %s)",
            [period.pk],
        )
        cursor.execute("DELETE FROM billing_statementline WHERE period_id = %s", [period.pk])


LINE_COLUMNS = (
    "id",
    "period_id",
    "link_id",
    "agency_id",
    "lot_id",
    "carrier_id",
    "active_minutes",
    "outage_minutes",
    "amount_due",
    "discount",
    "imr_adjustment",
    "fines",
    "corrections",
    "net",
    "inputs",
)
SHARE_COLUMNS = (
    "line_id",
    "carrier_id",
    "position",
    "share",
    "amount_due",
    "discount",
    "imr_adjustment",
    "fines",
    "corrections",
    "net",
)


STORE_CHUNK = 5_000


def _store(period: BillingPeriod, lines: LineStream, progress: Progress) -> None:
    """Write the lines and their members' shares with COPY, in chunks: this thread and a
    forked helper process make and format the chunks (every other one each) while a writer
    thread sends the previous one, and PostgreSQL inserts it and checks its foreign keys (at the
    end of its COPY rather than all at commit). A month of 100 000 links is written in a few
    seconds.

    The writer uses the same connection and transaction; this thread and the helper make no
    query while it runs (`compute_lines` made all of its own before the first line is made)."""
    raw = connection.connection
    with connection.cursor() as cursor:
        # The sequence named once: nextval of a constant is ten times faster than of an
        # expression evaluated per row.
        cursor.execute("SELECT pg_get_serial_sequence('billing_statementline', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(lines)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT string_agg(quote_ident(conname), ', ') FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [["billing_statementline", "billing_lineshare"]],
        )
        (foreign_keys,) = cursor.fetchone()
        cursor.execute(f"SET CONSTRAINTS {foreign_keys} IMMEDIATE")
        total = len(lines)
        progress(0, total)
        bounds = [(a, min(a + STORE_CHUNK, total)) for a in range(0, total, STORE_CHUNK)]

        def text_of(start: int, end: int) -> tuple[str, str]:
            return _copy_text(period.pk, zip(ids[start:end], lines.made(start, end), strict=True))

        # The helper is forked before the writer thread starts.
        with forked_map(text_of, bounds[1::2]) as helped, ThreadPoolExecutor(1) as writer:
            pending = None
            for index, (start, end) in enumerate(bounds):
                text = next(helped) if index % 2 else text_of(start, end)
                if pending is not None:
                    pending.result()
                    progress(start, total)
                pending = writer.submit(_copy, raw, text)
            if pending is not None:
                pending.result()
        progress(total, total)
        cursor.execute(f"SET CONSTRAINTS {foreign_keys} DEFERRED")


def _copy_text(period_id: int, numbered: Iterable[tuple[int, LineResult]]) -> tuple[str, str]:
    """A chunk's lines and shares as COPY text. Written directly: every value is an integer, a
    Decimal or the line's JSON inputs (which JSON keeps free of tabs and newlines; its
    backslashes are doubled), several times cheaper than adapting value by value."""
    lines: list[str] = []
    shares: list[str] = []
    for line_id, r in numbered:
        a = r.amounts
        inputs = orjson.dumps(r.inputs).decode().replace("\\", "\\\\")
        lines.append(
            f"{line_id}\t{period_id}\t{r.link_id}\t{r.agency_id}\t{r.lot_id}\t"
            f"{r.carrier_id}\t{r.active_minutes}\t{r.outage_minutes}\t{a.amount_due}\t"
            f"{a.discount}\t{a.imr_adjustment}\t{a.fines}\t{a.corrections}\t{a.net}\t"
            f"{inputs}\n"
        )
        shares.extend(
            "\t".join(map(str, (line_id, carrier, position, share, *part))) + "\n"
            for carrier, position, share, part in r.shares
        )
    return "".join(lines), "".join(shares)


def _copy(raw, text: tuple[str, str]) -> None:
    lines, shares = text
    with raw.cursor() as cursor:
        for table, columns, rows in (
            ("billing_statementline", LINE_COLUMNS, lines),
            ("billing_lineshare", SHARE_COLUMNS, shares),
        ):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(rows)


def corrections_post(*, period: BillingPeriod, now: datetime) -> list[Correction]:
    """For every closed month whose earliest open successor is `period`, recompute its lines and
    post the difference from the frozen ones (less what earlier corrections already posted) as
    corrections on `period`: positive when more is to be deducted from the carrier."""
    posted = []
    for closed in BillingPeriod.objects.filter(status=PeriodStatus.CLOSED).order_by(
        "year", "month"
    ):
        if (closed.year, closed.month) >= (period.year, period.month):
            break
        if _earliest_open_after(closed).pk != period.pk:
            continue
        posted += _post_for(closed, period, now)
    return posted


def _post_for(closed: BillingPeriod, target: BillingPeriod, now: datetime) -> list[Correction]:
    _, month_end = month_bounds(closed.year, closed.month)
    fresh = {r.link_id: r for r in compute_lines(closed, now=max(now, month_end))}
    frozen = {line.link_id: line for line in closed.lines.all()}
    already = defaultdict(
        lambda: ZERO,
        Correction.objects.filter(corrects=closed, kind=CorrectionKind.RECOMPUTATION)
        .values("link_id")
        .annotate(total=Sum("amount"))
        .values_list("link_id", "total"),
    )
    posted = []
    for link_id in sorted(set(fresh) | set(frozen)):
        new = fresh.get(link_id)
        old = frozen.get(link_id)
        new_due, new_discount = (
            (new.amounts.amount_due, new.amounts.discount) if new else (ZERO,) * 2
        )
        old_due, old_discount = (old.amount_due, old.discount) if old else (ZERO, ZERO)
        owed = (old_due - new_due) + (new_discount - old_discount)
        amount = owed - already[link_id]
        if amount:
            posted.append(
                Correction.objects.create(
                    period=target,
                    link_id=link_id,
                    corrects=closed,
                    kind=CorrectionKind.RECOMPUTATION,
                    amount=amount,
                    reason=_reason(old.inputs if old else None, new.inputs if new else None),
                )
            )
    return posted


def _reason(old: dict | None, new: dict | None) -> str:
    """What changed between the frozen line and its recomputation, named for people."""
    parts = []
    old_outages = set(old["outages"]) if old else set()
    new_outages = set(new["outages"]) if new else set()
    if new_outages - old_outages:
        parts.append(
            "indisponibilidades agora descontadas: "
            + ", ".join(f"#{i}" for i in sorted(new_outages - old_outages))
        )
    if old_outages - new_outages:
        parts.append(
            "indisponibilidades que deixaram de ser descontadas: "
            + ", ".join(f"#{i}" for i in sorted(old_outages - new_outages))
        )
    old_prices = {s["price_item"] for s in old["segments"]} if old else set()
    new_prices = {s["price_item"] for s in new["segments"]} if new else set()
    if old_prices != new_prices:
        parts.append(
            "itens de preço "
            + ", ".join(f"#{i}" for i in sorted(old_prices))
            + " → "
            + ", ".join(f"#{i}" for i in sorted(new_prices))
        )
    return "; ".join(parts) or "recálculo da competência (minutos descontados alterados)"


# -- Computing and closing in the background (a Celery worker runs `period_job_run`) --------

JOB_PROGRESS_SECONDS = 24 * 3600


def period_job_request(*, period: BillingPeriod, kind: str, user, now: datetime) -> PeriodJob:
    """Queue computing or closing `period`, or generating its technical reports, for a worker;
    refused with a reason when the month is closed (or, for the reports, not closed yet: they
    are issued at closing), cannot be closed yet, or already has a job queued or running."""
    period.refresh_from_db()  # its state as it is now, not as the caller last read it
    if kind == JobKind.REPORTS:
        if not period.is_closed:
            raise DomainError(
                f"Os relatórios técnicos da competência {period} saem depois do fechamento."
            )
    elif period.is_closed:
        raise DomainError(f"A competência {period} já está fechada; nada a fazer.")
    if kind == JobKind.CLOSE:
        _closable_check(period, now)
    try:
        with transaction.atomic():
            job = PeriodJob.objects.create(
                period=period, kind=kind, requested_by=user, requested_at=now
            )
    except IntegrityError as exc:
        raise DomainError(
            f"Já há uma tarefa em andamento para a competência {period}; aguarde o fim dela."
        ) from exc
    cache.delete(job_progress_key(job.pk))  # ids restart after a database restore
    from billing.tasks import run_period_job  # tasks import this module

    run_period_job.delay_on_commit(job.pk)
    return job


def period_job_run(*, job_id: int) -> PeriodJob:
    """Run a queued job once (a second delivery of the task finds it no longer queued and does
    nothing), publishing its progress, and tell the person who asked how it ended."""
    with transaction.atomic():
        job = PeriodJob.objects.select_for_update().select_related("period").get(pk=job_id)
        if job.state != JobState.QUEUED:
            return job
        job.state = JobState.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])

    def progress(done: int, total: int) -> None:
        cache.set(job_progress_key(job.pk), (done, total), JOB_PROGRESS_SECONDS)

    try:
        if job.kind == JobKind.REPORTS:
            job.message = _reports_store(job, progress)
        elif job.kind == JobKind.CLOSE:
            period_close(
                period=job.period, user=job.requested_by, now=timezone.now(), progress=progress
            )
            job.message = f"Competência {job.period} fechada."
        else:
            period_compute(period=job.period, now=timezone.now(), progress=progress)
            job.message = f"Competência {job.period} calculada."
        job.state = JobState.DONE
    except DomainError as exc:
        job.state, job.message = JobState.FAILED, str(exc)
    except Exception:
        job.state, job.message = JobState.FAILED, "Erro inesperado; a equipe técnica foi avisada."
        raise
    finally:
        job.finished_at = timezone.now()
        with transaction.atomic():
            job.save(update_fields=["state", "message", "finished_at", "file"])
            _job_notify(job)
    return job


def _reports_store(job: PeriodJob, progress: Progress) -> str:
    """Every agency's technical report of the job's month, kept as the job's ZIP file."""
    archive = reports_archive(period=job.period, progress=progress)
    with archive.file:
        job.file.save(archive.file.name, archive.file, save=False)  # type: ignore[arg-type]  # a stored file has a name
    return f"{archive.count} relatórios técnicos da competência {job.period} gerados."


def _job_notify(job: PeriodJob) -> None:
    """E-mail the job's outcome to whoever asked for it, through the outbox (the caller holds
    the transaction that records the outcome)."""
    message_email(
        kind=MessageKind.BILLING_JOB,
        ref=ref_of(job),
        to=[job.requested_by.email],
        subject=f"[Rede Governo] {job.get_kind_display()} da competência {job.period}: "
        f"{job.get_state_display().lower()}",
        body=f"{job.message}\n\nPedida em {timezone.localtime(job.requested_at):%d/%m/%Y %H:%M}.",
    )
