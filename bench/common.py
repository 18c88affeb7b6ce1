"""What the benchmarks share: a database of their own and a demo network polled on loopback."""

import os
import sys
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "redegov_bench")


def django_setup() -> None:
    """Django on the benchmark's own database (created and migrated when needed)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redegov.settings")
    os.environ.setdefault("DJANGO_ENV", "development")  # a developer machine's benchmark
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
        if exists.fetchone() is None:
            db.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def bench_network(*, links: int, seed: int = 1, second_octet: int = 200) -> list:
    """The demo network of `links` links, renumbered onto 127.<second_octet>.x.y so that a
    running demo's simulator never touches the benchmark's addresses. Returns the live links."""
    from inventory.demo.build import seed_demo
    from inventory.models import Link
    from monitoring.models import EngineCursor, Outage

    Outage.objects.all().delete()
    EngineCursor.objects.all().delete()
    Link.objects.all().delete()
    seed_demo(links=links, seed=seed)
    live = list(Link.objects.exclude(status="cancelled").order_by("pk"))
    for number, link in enumerate(live):
        link.mgmt_ip = f"127.{second_octet}.{number // 250}.{number % 250 + 1}"
        if link.mgmt_ip_secondary:
            link.mgmt_ip_secondary = f"127.{second_octet + 1}.{number // 250}.{number % 250 + 1}"
    Link.objects.bulk_update(live, ["mgmt_ip", "mgmt_ip_secondary"])
    return live


def demo_links(links: int) -> None:
    """The demo network with `links` active links: the demo's (up to 2 800) and clones of them
    made in SQL beyond (circuit BENCH-n, management addresses 127.128.0.0 + n and, for a
    redundant access, 127.192.0.0 + n: on loopback, clear of the demo's 127.100-101). The
    caller empties first the tables that refer to links: earlier clones go without cascades."""
    from django.db import connection

    from inventory.demo.build import seed_demo
    from inventory.models import Link

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM inventory_link WHERE circuit_id LIKE 'BENCH-%%'")
        cursor.execute("SET session_replication_role = origin")
    seed_demo(links=min(links, 2800), seed=1)
    extra = links - Link.objects.exclude(status="cancelled").count()
    if extra <= 0:
        return
    with connection.cursor() as cursor:
        # Bulk loading only: no audit triggers for the clones.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO inventory_link (circuit_id, contract_id, agency_id, unit_id,
                municipality_id, lot_id, address, speed_mbps, access_type, status,
                activated_at, cancelled_at, mgmt_ip, mgmt_ip_secondary, snmp_community,
                snmp_port, if_index)
            SELECT 'BENCH-' || lpad(g::text, 7, '0'), l.contract_id, l.agency_id, l.unit_id,
                l.municipality_id, l.lot_id, l.address, l.speed_mbps, l.access_type,
                'active', l.activated_at, NULL, inet '127.128.0.0' + g,
                CASE WHEN l.mgmt_ip_secondary IS NULL THEN NULL
                     ELSE inet '127.192.0.0' + g END,
                l.snmp_community, l.snmp_port, l.if_index
            FROM generate_series(1, %s) g
            JOIN (SELECT *, row_number() OVER (ORDER BY id) - 1 AS n FROM inventory_link
                  WHERE status = 'active') l
              ON l.n = g %% (SELECT count(*) FROM inventory_link WHERE status = 'active')
            """,
            [extra],
        )
        cursor.execute("SET session_replication_role = origin")
