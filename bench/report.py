"""Technical report benchmark: seconds to render the PDF of one agency's report for a closed
month with N links (500 by default; the target is 3 s or less), reading its figures included.

    .venv/bin/python bench/report.py [--links 500] [--runs 3]

Builds its own small network (one agency, a lot of one carrier and a consortium lot, an outage
on every fifth link) on its own database (redegov_bench_report), computes and closes October
2026, then renders the report `--runs` times: the first run pays WeasyPrint's imports and font
loading, the others are what a worker pays per report.
"""

import argparse
import os
import re
import statistics
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import common

YEAR, MONTH = 2026, 10
SP = ZoneInfo("America/Sao_Paulo")
BELO_HORIZONTE, CONTAGEM = 3106200, 3118601  # one lot each
# Not redegov_bench: close_month.py empties the billing tables of that one.
common.BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "redegov_bench_report")


def build(links: int):
    """The agency with `links` links (a fifth in a consortium lot), October computed and closed.
    Everything the benchmark made before is emptied first, in SQL, without audit triggers."""
    from django.db import connection, transaction

    from billing import services
    from inventory.models import (
        Agency,
        Carrier,
        Contract,
        Link,
        Lot,
        LotMember,
        LotMunicipality,
        PriceItem,
    )
    from monitoring.models import Outage

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "TRUNCATE reports_attestation, billing_periodjob, billing_lineshare, "
            "billing_statementline, billing_correction, billing_billingperiod, "
            "monitoring_outage, inventory_link CASCADE"
        )
        cursor.execute("SET session_replication_role = origin")
    contract, _ = Contract.objects.get_or_create(
        number="BENCH-RPT/2026",
        defaults={
            "regime": "14133",
            "start_date": date(2020, 1, 1),
            "end_date": date(2030, 12, 31),
            "value": Decimal("96055953.00"),
        },
    )
    alfa, _ = Carrier.objects.get_or_create(
        code="bench-alfa", defaults={"name": "Alfa Telecom", "cnpj": "11111111000191"}
    )
    beta, _ = Carrier.objects.get_or_create(
        code="bench-beta", defaults={"name": "Beta Net", "cnpj": "22222222000191"}
    )
    agency, _ = Agency.objects.get_or_create(
        code="BENCH",
        defaults={
            "name": "Secretaria de Estado de Benchmarks",
            "cnpj": "33333333000191",
            "participation": "compulsory",
        },
    )
    lots = []
    plan = (
        (901, BELO_HORIZONTE, [(alfa, "100")]),
        (902, CONTAGEM, [(beta, "60"), (alfa, "40")]),
    )
    for number, municipality, members in plan:
        lot, created = Lot.objects.get_or_create(
            contract=contract, number=number, defaults={"name": f"Bench {number}"}
        )
        if created:
            with transaction.atomic():  # the shares sum to 100% at commit
                for position, (carrier, share) in enumerate(members):
                    LotMember.objects.create(
                        lot=lot, carrier=carrier, share=Decimal(share), position=position
                    )
        LotMunicipality.objects.get_or_create(
            contract=contract, lot=lot, municipality_id=municipality
        )
        PriceItem.objects.get_or_create(
            lot=lot,
            speed_mbps=4,
            region="metro",
            access_type="simple",
            valid_from=date(2020, 1, 1),
            defaults={"monthly_price": Decimal("905.52")},
        )
        lots.append(lot)
    created = Link.objects.bulk_create(
        Link(
            circuit_id=f"RPT-{n:05d}",
            contract=contract,
            agency=agency,
            municipality_id=(CONTAGEM if n % 5 == 0 else BELO_HORIZONTE),
            lot=lots[n % 5 == 0],
            address=f"Rua dos Guajajaras, {n}",
            speed_mbps=4,
            access_type="simple",
            status="active",
            activated_at=datetime(2024, 1, 1, tzinfo=SP),
            mgmt_ip=f"127.250.{n // 250}.{n % 250 + 1}",
        )
        for n in range(links)
    )
    Outage.objects.bulk_create(
        Outage(
            link=link,
            start=datetime(YEAR, MONTH, 1 + n % 28, 8, 0, tzinfo=SP),
            end=datetime(YEAR, MONTH, 1 + n % 28, 8, 0, tzinfo=SP) + timedelta(minutes=5 + n),
            kind="interruption",
            source="import",
            responsibility="carrier",
        )
        for n, link in enumerate(created)
        if n % 5 == 1
    )
    period = services.period_get_or_create(year=YEAR, month=MONTH)
    services.period_close(period=period, user=None, now=datetime(YEAR, MONTH + 1, 1, 9, tzinfo=SP))
    return period, agency


def render(period, agency) -> tuple[float, float, int]:
    """(seconds reading the report, seconds writing its PDF, pages)."""
    from django.utils import timezone

    from billing.reports.pdf import agency_report_pdf
    from billing.reports.selectors import agency_report

    began = time.perf_counter()
    report = agency_report(period=period, agency=agency, now=timezone.now())
    read = time.perf_counter()
    pdf = agency_report_pdf(report)
    done = time.perf_counter()
    info = subprocess.run(
        ["pdfinfo", "-"],  # noqa: S607 - poppler-utils, installed with the stack
        input=pdf,
        capture_output=True,
        check=True,
        text=False,
    ).stdout.decode()
    return read - began, done - read, int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    common.django_setup()
    began = time.perf_counter()
    period, agency = build(args.links)
    built = time.perf_counter() - began
    runs = [render(period, agency) for _ in range(args.runs)]
    totals = [read + write for read, write, _ in runs]
    read, write, pages = runs[-1]
    print(
        f"technical report of an agency with {args.links} links, {pages} pages "
        f"(built in {built:.1f} s): first {totals[0]:.2f} s (fonts, caches), "
        f"then median {statistics.median(totals[1:] or totals):.2f} s "
        f"(read {read:.2f} s + PDF {write:.2f} s); target <= 3 s"
    )


if __name__ == "__main__":
    main()
