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
