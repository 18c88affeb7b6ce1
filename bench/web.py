"""Pages under load: concurrent logged-in users of every role against the production server.

    .venv/bin/python bench/web.py [--links 10000] [--users 20] [--seconds 60] [--think 1.0] \
                                  [--workers 2] [--threads 4]

It seeds the demo network with `--links` links (`manage.py seed_demo`) in a database of its own
(`BENCH_DATABASE`, default redegov_bench_web) when that database has fewer, collects the static
files and starts gunicorn on a free loopback port with the production settings, as
scripts/smoke.sh does (DEBUG off, DJANGO_INSECURE_LOOPBACK for plain HTTP on loopback, Redis
database 15). Then `--users` people log in (the NOC, agency managers and unit staff, every
carrier, billing staff, the committee) and, for `--seconds` after a warm-up, each opens the
pages of its role one after another, pausing `--think` seconds (±50%) between two. The NOC's
people keep the incident panel open: it refreshes itself as the browser's htmx does, with the
version tokens of its last answer. `--incidents` links are down (with their tickets) all along.
One more user asks for /healthz all along: the baseline of the same run. It prints p50, p95 and
p99 per page, the median size and the errors (any answer but 200, or 204 for a refresh with
nothing new), beside the targets of issue 23."""

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = os.environ.get("BENCH_DATABASE", "redegov_bench_web")
SERVER = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "demo"  # noqa: S105 - the published password of the demo users
# Targets of issue 23 (p95, ms) at 10 000 links and 20 users.
TARGETS = {
    "painel": 150,
    "painel (atualização)": 150,
    "acessos": 200,
    "indisponibilidades": 200,
    "ordens": 200,
    "demonstrativo": 200,
    "acesso (página)": 250,
    "início": None,
    "/healthz (referência)": None,
}
REFRESH = "painel (atualização)"


def _live_links() -> int:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            db.execute(f'CREATE DATABASE "{DATABASE}"')
            return 0
    with psycopg.connect(f"{SERVER}/{DATABASE}") as db:
        if not db.execute("SELECT to_regclass('inventory_link')").fetchone()[0]:
            return 0
        live = "SELECT count(*) FROM inventory_link WHERE status <> 'cancelled'"
        return db.execute(live).fetchone()[0]


def _manage(*args: str, env: dict) -> None:
    command = [str(BIN / "python"), "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own arguments


def prepare(links: int, env: dict) -> None:
    """Migrated, seeded with `links` links when it has fewer, static files collected."""
    development = {**env, "DJANGO_ENV": "development"}
    _manage("migrate", "--noinput", "-v0", env=development)
    if _live_links() < links * 0.9:  # the demo cancels some of the links it plans
        started = time.monotonic()
        _manage("seed_demo", "--links", str(links), env=development)
        print(f"seed_demo --links {links}: {time.monotonic() - started:.0f} s", flush=True)
    _manage("collectstatic", "--noinput", "-v0", env=env)


def open_incidents(count: int) -> None:
    """`count` links down now (1 in 10 of them redundant links losing a path instead), with
    their tickets, as the engine opens them: what the NOC's panel lists during a bad hour."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redegov.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from inventory.choices import AccessType, LinkStatus
    from inventory.models import Link
    from monitoring.choices import OutageKind, OutageSource
    from monitoring.models import Outage, RedundancyLoss
    from monitoring.services.tickets import tickets_open

    now = timezone.now().replace(second=0, microsecond=0)
    if Outage.objects.filter(end=None, kind=OutageKind.INTERRUPTION).exists():
        return
    active = Link.objects.filter(status=LinkStatus.ACTIVE).order_by("pk")
    with transaction.atomic():
        outages = Outage.objects.bulk_create(
            Outage(
                link=link,
                start=now - timezone.timedelta(minutes=(i * 7) % 300),
                kind=OutageKind.INTERRUPTION,
                source=OutageSource.ICMP,
            )
            for i, link in enumerate(active.filter(access_type=AccessType.SIMPLE)[::97][:count])
        )
        losses = RedundancyLoss.objects.bulk_create(
            RedundancyLoss(link=link, start=now - timezone.timedelta(minutes=20))
            for link in active.filter(access_type=AccessType.REDUNDANT)[: count // 10]
        )
        tickets_open(outages=outages, losses=losses, now=now)
    print(f"{len(outages)} interruptions and {len(losses)} lost redundancies open", flush=True)


def production_env(port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "DJANGO_DEBUG")}
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    env.update(
        DJANGO_SETTINGS_MODULE="redegov.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_INSECURE_LOOPBACK="true",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=redis,
        CELERY_BROKER_URL=redis,
        CELERY_RESULT_BACKEND=redis,
        SECOND_FACTOR_REQUIRED="false",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One browser: its cookies, over urllib (no redirects followed after the login)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str, headers: dict | None = None, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Always the benchmark's own http://127.0.0.1 server.
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.read()

    def login(self, username: str) -> None:
        _, page = self.get("/entrar/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        data = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, page = self.get("/entrar/", data=data)
        if status != 200 or b'name="password"' in page:
            raise SystemExit(f"login as {username} failed ({status})")


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sizes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, size: int, ok: bool) -> None:
        with self.lock:
            self.times[page].append(seconds * 1000)
            self.sizes[page].append(size)
            if not ok:
                self.errors[page] += 1


def pages_of(session: Session, username: str, month: str) -> list[tuple[str, str]]:
    """The pages a role works on, in the order it opens them (a link page of its own)."""
    _, listing = session.get("/acessos/")
    link = re.search(rb'href="(/acessos/\d+/)"', listing)
    own = [("acesso (página)", link.group(1).decode())] if link else []
    common = [("início", "/"), ("acessos", "/acessos/"), *own]
    if username == "noc":
        return [("painel", "/painel/"), *common, ("indisponibilidades", "/indisponibilidades/")]
    if username.startswith("operadora."):
        return [("painel", "/painel/"), *common, ("indisponibilidades", "/indisponibilidades/")]
    if username.startswith(("gestor.", "servidor.")):
        return [*common, ("ordens", "/ordens/"), ("indisponibilidades", "/indisponibilidades/")]
    return [("início", "/"), ("demonstrativo", f"/faturamento/{month}/demonstrativo/"),
            ("ordens", "/ordens/"), ("acessos", "/acessos/")]  # fmt: skip


def user_loop(session, pages, samples: Samples, *, think: float, start: float, stop: float):
    """Opens its pages in turn; with the panel open (the NOC, carriers) every other request is
    the panel's refresh, with the URL (its version tokens) of the last answer."""
    refresh = None
    turn = 0
    while time.monotonic() < stop:
        if refresh and turn % 2:
            name, path, headers = REFRESH, refresh, {"HX-Request": "true"}
        else:
            name, path = pages[(turn // (2 if refresh else 1)) % len(pages)]
            headers = {}
        turn += 1
        began = time.monotonic()
        try:
            status, body = session.get(path, headers=headers)
        except OSError:
            status, body = 0, b""
        took = time.monotonic() - began
        if name.startswith("painel") and status == 200:
            found = re.search(rb'id="painel"[^>]*hx-get="([^"]+)"', body)
            refresh = found.group(1).decode().replace("&amp;", "&") if found else refresh
        ok = status == 200 or (name == REFRESH and status == 204)
        if began >= start:
            samples.add(name, took, len(body), ok)
        time.sleep(think * random.uniform(0.5, 1.5))


def baseline_loop(base: str, samples: Samples, *, think: float, start: float, stop: float):
    session = Session(base)
    while time.monotonic() < stop:
        began = time.monotonic()
        status, body = session.get("/healthz")
        if began >= start:
            samples.add("/healthz (referência)", time.monotonic() - began, len(body), status == 200)
        time.sleep(think * random.uniform(0.5, 1.5))


def people(users: int) -> list[str]:
    """`users` logins spread over the roles: about 40% NOC, then carriers, agency staff and
    billing staff and the committee."""
    with psycopg.connect(f"{SERVER}/{DATABASE}") as db:
        carriers = [
            row[0]
            for row in db.execute(
                "SELECT username FROM redegov_user WHERE username LIKE 'operadora.%%' "
                "ORDER BY username"
            )
        ]
        month = db.execute(
            "SELECT year, month FROM billing_billingperiod WHERE closed_at IS NOT NULL "
            "ORDER BY year DESC, month DESC LIMIT 1"
        ).fetchone()
    rota = ["noc", carriers[0], "gestor.sef", "noc", "ugs", carriers[1], "servidor.sef", "noc"]
    rota += ["comite", *carriers[2:], "noc", "gestor.sef", "ugs", "noc"]
    return [rota[i % len(rota)] for i in range(users)], f"{month[0]}-{month[1]:02d}"


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(samples: Samples, seconds: float) -> bool:
    print("\n| page | requests | p50 ms | p95 ms | p99 ms | median KB | errors | target p95 |")
    print("|---|---|---|---|---|---|---|---|")
    met = True
    for page, target in TARGETS.items():
        times = samples.times.get(page)
        if not times:
            continue
        p95 = percentile(times, 95)
        errors = samples.errors.get(page, 0)
        verdict = "" if target is None else f"≤ {target} {'ok' if p95 <= target else 'MISSED'}"
        met &= (target is None or p95 <= target) and not errors
        print(
            f"| {page} | {len(times)} | {percentile(times, 50):.0f} | {p95:.0f} | "
            f"{percentile(times, 99):.0f} | {statistics.median(samples.sizes[page]) / 1024:.1f} | "
            f"{errors} | {verdict} |"
        )
    total = sum(len(t) for t in samples.times.values())
    print(f"\n{total} requests in {seconds:.0f} s ({total / seconds:.1f}/s)")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--incidents", type=int, default=60, help="links down during the run")
    args = parser.parse_args()

    port = free_port()
    env = production_env(port)
    prepare(args.links, env)
    open_incidents(args.incidents)
    flush = ["redis-cli", "-u", env["REDIS_URL"], "flushdb"]
    subprocess.run(flush, check=True, capture_output=True)  # noqa: S603 - Debian's redis
    gunicorn = subprocess.Popen(  # noqa: S603 - our own arguments
        [str(BIN / "gunicorn"), "redegov.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if Session(base).get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        logins, month = people(args.users)
        print(
            f"{_live_links()} live links; {args.users} users ({', '.join(sorted(set(logins)))}); "
            f"gunicorn {args.workers} workers, {args.threads} threads; think {args.think} s; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        sessions = []
        for username in logins:
            session = Session(base)
            session.login(username)
            sessions.append((session, pages_of(session, username, month)))
        samples = Samples()
        # No worker runs here: a heartbeat of now (just before the run) lets /healthz, the
        # baseline, answer 200 after its real database and Redis checks.
        beat = [
            "redis-cli",
            "-u",
            env["REDIS_URL"],
            "set",
            "redegov:worker-heartbeat",
            f"{time.time()}",
        ]
        subprocess.run(beat, check=True, capture_output=True)  # noqa: S603
        start = time.monotonic() + args.warmup
        stop = start + args.seconds
        timing = {"think": args.think, "start": start, "stop": stop}
        threads = [
            threading.Thread(target=user_loop, args=(s, pages, samples), kwargs=timing)
            for s, pages in sessions
        ]
        threads.append(threading.Thread(target=baseline_loop, args=(base, samples), kwargs=timing))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        met = report(samples, args.seconds)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
