"""Backups that restore: a demo database dumped with pg_dump -Fc and restored with pg_restore
into a fresh one; every closed month's lines give the digest stored when it closed, and the
portal serves from the copy (`manage.py verify_backup`, as a person runs it). A line changed
in the copy is caught, naming its month."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from billing.choices import PeriodStatus
from billing.digest import lines_digest
from billing.models import BillingPeriod
from redegov.models import User

ROOT = Path(__file__).resolve().parents[2]
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def verify(database: str, private: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "redegov.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_PRIVATE_ROOT": str(private),
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "verify_backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_dump_keeps_every_closed_month_and_serves(municipalities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", links=60, seed=2, stdout=open(os.devnull, "w"))  # noqa: SIM115
    closed = list(BillingPeriod.objects.filter(status=PeriodStatus.CLOSED))
    assert closed
    for period in closed:
        assert len(period.lines_digest) == 64
        assert lines_digest(period_id=period.pk) == period.lines_digest
    staff = Client()
    staff.force_login(User.objects.get(username="ugs"))
    page = staff.get(f"/faturamento/{closed[0].label}/demonstrativo/").content.decode()
    assert closed[0].lines_digest in page

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "redegov.dump"
    subprocess.run(["pg_dump", *PG, "-Fc", "-f", str(dump), source], check=True)  # noqa: S603,S607
    subprocess.run(["dropdb", *PG, "--if-exists", restored], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", *PG, restored], check=True)  # noqa: S603,S607
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", *PG, "--no-owner", "--exit-on-error", "-d", restored, str(dump)],  # noqa: S607
            check=True,
        )
        result = verify(restored, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        for period in closed:
            assert f"{period}: ok" in result.stdout
        assert "página /: 200" in result.stdout
        assert f"página /faturamento/{closed[0].label}/demonstrativo/: 200" in result.stdout

        changed = closed[-1]
        line = changed.lines.order_by("pk").first()
        # A closed month's lines refuse changes (a trigger): a damaged copy bypasses it.
        damage = f"UPDATE billing_statementline SET net = net + 0.01 WHERE id = {line.pk}"  # noqa: S608
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "psql",
                *PG,
                "-d",
                restored,
                "-c",
                f"SET session_replication_role = replica; {damage}",
            ],
            check=True,
            capture_output=True,
        )
        result = verify(restored, tmp_path)
        assert result.returncode != 0
        assert f"{changed}: as linhas não conferem" in result.stderr
    finally:
        subprocess.run(["dropdb", *PG, "--if-exists", restored], check=False)  # noqa: S603,S607
