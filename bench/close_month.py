"""Month computation benchmark: seconds to compute and write a month's statement lines for
N links with about 10 outages each, against a straightforward per-link Python loop (queries
per link, one INSERT per line) kept here only for comparison; and seconds to close the month
(undone afterwards).

    .venv/bin/python bench/close_month.py [--links 2800 100000] [--sample 3000]

The loop runs over `--sample` links (all of them when fewer) and its time is scaled to N.
Runs on its own database (redegov_bench).
"""

import argparse
import time
from decimal import Decimal

from common import demo_links, django_setup

YEAR, MONTH = 2026, 10


def build(links: int, per_link: int) -> None:
    """The demo contract with `links` links (the demo's, cloned in SQL beyond 2 800) and
    `per_link` outages each in the month, spaced so that a link's never overlap."""
    from django.db import connection

    from core.instants import month_bounds

    with connection.cursor() as cursor:
        # A benchmark's own database: emptied fast, without audit triggers or cascades in Python.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "TRUNCATE billing_lineshare, billing_statementline, billing_correction, "
            "billing_billingperiod, monitoring_outage CASCADE"
        )
        cursor.execute("SET session_replication_role = origin")
    demo_links(links)
    with connection.cursor() as cursor:
        # Bulk loading only: no audit triggers for the outages.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            """
            INSERT INTO monitoring_outage (link_id, start, "end", kind, source, responsibility,
                reference, notes, created_at)
            SELECT l.id, s.start, s.start + (5 + floor(random() * 175)) * interval '1 minute',
                   'interruption', 'import',
                   (ARRAY['carrier','carrier','pending','agency','maintenance'])
                       [1 + floor(random() * 5)::int],
                   '', '', now()
            FROM inventory_link l
            CROSS JOIN LATERAL (
                SELECT date_trunc('minute', %s + (k * interval '3 days')
                       + random() * interval '2 days') AS start
                FROM generate_series(0, %s - 1) k
            ) s
            WHERE l.status <> 'cancelled'
            """,
            [month_bounds(YEAR, MONTH)[0], per_link],
        )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("ANALYZE")


def set_based() -> tuple[float, int]:
    from django.utils import timezone

    from billing import services

    period = services.period_get_or_create(year=YEAR, month=MONTH)
    started = time.perf_counter()
    services.period_compute(period=period, now=timezone.now())
    return time.perf_counter() - started, period.lines.count()


def closing() -> float:
    """Seconds to close the computed month (compute again, make the IMR final, freeze), undone
    afterwards so that the data stays as built."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from billing import services
    from billing.models import BillingPeriod
    from core.instants import month_bounds

    user, _ = get_user_model().objects.get_or_create(username="bench-billing")
    period = BillingPeriod.objects.get(year=YEAR, month=MONTH)
    with transaction.atomic():
        started = time.perf_counter()
        services.period_close(
            period=period, user=user, now=month_bounds(YEAR, MONTH)[1] + timedelta(days=1)
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def per_link_loop(sample: int) -> tuple[float, int, int]:
    """The straightforward way: for each link, its own queries, arithmetic, one INSERT.
    Returns the seconds, the links done and how many lines differ from the set-based ones."""
    from django.db import transaction
    from django.db.models import Q

    from billing import arithmetic
    from billing.arithmetic import State
    from billing.computation import month_minutes
    from billing.models import BillingPeriod, StatementLine
    from core.instants import month_bounds
    from inventory.models import Link, PriceItem
    from monitoring.models import Outage

    start, end = month_bounds(YEAR, MONTH)
    minutes = month_minutes(YEAR, MONTH)
    scratch, _ = BillingPeriod.objects.get_or_create(year=1900, month=1)
    reference = BillingPeriod.objects.get(year=YEAR, month=MONTH)
    links = list(
        Link.objects.filter(activated_at__lt=end)
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start))
        .order_by("pk")[:sample]
    )
    differ = 0
    began = time.perf_counter()
    with transaction.atomic():
        for link in links:
            region = "metro" if link.municipality.rmbh else "interior"
            states = [State(None, link.speed_mbps, link.contract_id, link.lot_id)]
            for revision in link.revisions.order_by("effective_at"):
                last = states[-1]
                states.append(
                    State(
                        revision.effective_at,
                        revision.speed_mbps or last.speed_mbps,
                        revision.contract_id or last.contract_id,
                        revision.lot_id or last.lot_id,
                    )
                )
            tables = arithmetic.price_tables(
                list(
                    PriceItem.objects.filter(lot_id__in={s.lot_id for s in states}).values_list(
                        "pk",
                        "lot_id",
                        "speed_mbps",
                        "region",
                        "access_type",
                        "valid_from",
                        "monthly_price",
                    )
                )
            )
            window = arithmetic.active_window(link.activated_at, link.cancelled_at, start, end)
            segs = arithmetic.segments(window, states, region, link.access_type, tables)
            outages = list(
                Outage.objects.filter(link=link, responsibility__in=["carrier", "pending"])
            )
            counted = []
            for seg in segs:
                total = 0
                for outage in outages:
                    a = max(outage.start.replace(second=0, microsecond=0), seg.start)
                    b = min((outage.end or end).replace(second=0, microsecond=0), seg.end)
                    total += max(0, int((b - a).total_seconds()) // 60)
                counted.append(total)
            due, discount = arithmetic.amounts(
                segs, counted, month_minutes=minutes, divisors=[minutes] * len(segs)
            )
            StatementLine.objects.create(
                period=scratch,
                link=link,
                agency_id=link.agency_id,
                lot_id=link.lot_id,
                carrier_id=link.lot.members.order_by("position").first().carrier_id,
                active_minutes=sum(s.minutes for s in segs),
                outage_minutes=sum(counted),
                amount_due=due,
                discount=discount,
                net=due - discount,
                inputs={},
            )
            frozen = reference.lines.get(link=link)
            differ += (frozen.amount_due, frozen.discount) != (due, discount)
        elapsed = time.perf_counter() - began
        transaction.set_rollback(True)
    return elapsed, len(links), differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, nargs="+", default=[2800, 100_000])
    parser.add_argument("--outages", type=int, default=10, help="outages per link")
    parser.add_argument("--sample", type=int, default=3000, help="links for the per-link loop")
    args = parser.parse_args()
    django_setup()
    from billing.models import StatementLine

    for links in args.links:
        began = time.perf_counter()
        build(links, args.outages)
        built = time.perf_counter() - began
        seconds, lines = set_based()
        total = sum((line.discount for line in StatementLine.objects.all()), Decimal(0))
        close_seconds = closing()
        loop_seconds, done, differ = per_link_loop(args.sample)
        scaled = loop_seconds * lines / done
        print(
            f"{links} links, {args.outages} outages each (built in {built:.0f} s): "
            f"compute + write {lines} lines {seconds:.2f} s "
            f"({lines / seconds:,.0f} lines/s; discounts R$ {total:,.2f}); "
            f"per-link loop {loop_seconds:.2f} s for {done} links -> {scaled:.1f} s for all, "
            f"ratio {scaled / seconds:.0f}x; lines differing between the two: {differ}; "
            f"closing the month (computed again, IMR made final, frozen) {close_seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
