"""The checks of `make smoke` (scripts/smoke.sh starts the processes): plain HTTP against the
gunicorn it started, one login per role with the demo's password, the pages each role works
on, a statement, two PDFs, the collected static files, /metrics, and a poll cycle recorded by
the worker. Exits non-zero at the first failure, naming it."""

import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE = os.environ["SMOKE_URL"].rstrip("/")
RUN = Path(os.environ["SMOKE_RUN_DIR"])
PASSWORD = "demo"  # noqa: S105 - the published password of the demo users
WAIT_SECONDS = float(os.environ.get("SMOKE_WAIT_SECONDS", "120"))


class Failed(Exception):
    pass


class Session:
    """A browser's cookies over urllib, following redirects."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Always our own http://127.0.0.1 (SMOKE_URL), never a file: or other scheme.
        request = urllib.request.Request(BASE + path, data=body, headers=headers or {})  # noqa: S310
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.geturl(), dict(response.headers), response.read()

    def get(self, path: str, want: int = 200, **kwargs) -> tuple[str, dict, bytes]:
        status, url, headers, body = self.request(path, **kwargs)
        if status != want:
            raise Failed(f"GET {path}: {status}, want {want}")
        return url, headers, body

    def login(self, username: str) -> None:
        _, _, page = self.get("/entrar/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise Failed("the login page has no CSRF token")
        status, url, _, body = self.request(
            "/entrar/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        if status != 200 or urllib.parse.urlparse(url).path != "/":
            raise Failed(f"login as {username}: {status} at {url}")
        if b"csrfmiddlewaretoken" in body and b'name="password"' in body:
            raise Failed(f"login as {username}: the login form again")


def check(name: str, step) -> None:
    started = time.monotonic()
    step()
    print(f"smoke: ok  {name} ({time.monotonic() - started:.1f} s)", flush=True)


def wait_for_health() -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    last = None
    while time.monotonic() < deadline:
        try:
            status, _, _, body = Session().request("/healthz")
            last = (status, body[:300])
            if status == 200:
                return
        except OSError as error:  # gunicorn not listening yet
            last = error
        time.sleep(0.5)
    raise Failed(f"/healthz never answered 200: {last}")


def production_settings() -> None:
    anonymous = Session()
    url, _, page = anonymous.get("/")  # LoginRequiredMiddleware: to the login page
    if "/entrar/" not in url:
        raise Failed(f"/ as nobody ended at {url}, not the login page")
    styles = re.findall(rb'href="(/static/[^"]+\.css)"', page)
    if not styles or not all(re.search(rb"\.[0-9a-f]{12}\.css$", s) for s in styles):
        raise Failed(f"the page does not name collected (hashed) static files: {styles}")
    _, headers, _ = anonymous.get(styles[0].decode())
    if "text/css" not in headers.get("Content-Type", ""):
        raise Failed(f"{styles[0]} served as {headers.get('Content-Type')}")
    _, _, body = anonymous.get("/nao-existe/", want=404)
    if b"Traceback" in body or b"URLconf" in body or b"DEBUG" in body:
        raise Failed("a 404 shows Django's debug page: DEBUG is on")
    if any(c.secure for c in anonymous.cookies):
        raise Failed("cookies are Secure over loopback HTTP: DJANGO_INSECURE_LOOPBACK not in force")


def closed_month() -> str:
    """The last closed month, from the statement list billing staff see."""
    session = Session()
    session.login("ugs")
    _, _, page = session.get("/faturamento/")
    rows = page.split(b"<tr")
    closed = [
        re.search(rb'href="/faturamento/(\d{4}-\d{2})/"', r) for r in rows if b"badge active" in r
    ]
    closed = [match.group(1) for match in closed if match]
    if not closed:
        raise Failed("/faturamento/ lists no closed month")
    return closed[0].decode()


def pdf(session: Session, path: str) -> None:
    _, headers, body = session.get(path)
    if headers.get("Content-Type") != "application/pdf" or not body.startswith(b"%PDF"):
        raise Failed(f"{path}: not a PDF ({headers.get('Content-Type')}, {body[:20]!r})")


def roles(month: str) -> None:
    """Each role's start page, and the pages it works on."""
    pages = {
        "gestor.sef": ["/acessos/", f"/relatorios/{month}/SEF/"],
        "servidor.sef": ["/acessos/", "/ordens/"],
        "operadora.veredas": ["/acessos/", "/chamados/"],
        "noc": ["/painel/", "/indisponibilidades/", "/mensagens/nao-entregues/"],
        "ugs": ["/faturamento/", f"/faturamento/{month}/demonstrativo/", "/imr/"],
        "comite": ["/imr/comite/", f"/faturamento/{month}/demonstrativo/"],
        "juridico": ["/multas/"],
        "autoridade": ["/multas/"],
        "admin": ["/admin/", "/painel/"],
    }
    for username, paths in pages.items():
        session = Session()
        session.login(username)
        session.get("/")
        for path in paths:
            session.get(path)
        if username == "ugs":
            _, _, statement = session.get(f"/faturamento/{month}/demonstrativo/")
            if b"R$" not in statement:
                raise Failed(f"the statement of {month} shows no amount in R$")
            pdf(session, f"/imr/relatorio.pdf?mes={month}")
        if username == "gestor.sef":
            pdf(session, f"/relatorios/{month}/SEF/relatorio.pdf")
        print(f"smoke:     {username}: / and {len(paths)} pages", flush=True)


def scrape() -> dict[str, float]:
    token = os.environ["METRICS_TOKEN"]
    _, _, body = Session().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    samples = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def metrics_and_a_poll_cycle() -> None:
    Session().get("/metrics", want=404)  # no token: no such page
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        samples = scrape()
        if samples.get('redegov_poll_targets{shard="principal"}', 0) > 0:
            break
        time.sleep(2)
    else:
        raise Failed(f"no poll cycle recorded in {WAIT_SECONDS:.0f} s (see worker.log)")
    shard = '{shard="principal"}'
    print(
        f"smoke:     a cycle of {samples['redegov_poll_targets' + shard]:.0f} links, "
        f"{samples['redegov_poll_echoes_lost' + shard]:.0f}/"
        f"{samples['redegov_poll_echoes_sent' + shard]:.0f} echoes lost, "
        f"{samples['redegov_poll_cycle_duration_seconds' + shard]:.2f} s",
        flush=True,
    )
    if samples["redegov_poll_shard_late" + shard] != 0:
        raise Failed("the shard that just recorded a cycle is reported late")
    served = sum(
        value
        for name, value in samples.items()
        if name.startswith("redegov_http_request_duration_seconds_count")
    )
    if served < 20:  # every gunicorn process's requests, added up (multiprocess mode)
        raise Failed(f"the HTTP histogram counted {served:.0f} requests")


def json_logs() -> None:
    """DJANGO_LOG_FORMAT=json: a JSON line per request (web) and per poll cycle (worker)."""
    for log, event in (("web.log", "request"), ("worker.log", "poll_cycle")):
        entries = []
        for line in (RUN / log).read_text(errors="replace").splitlines():
            if line.startswith("{"):
                entries.append(json.loads(line))
        if not any(entry.get("event") == event for entry in entries):
            raise Failed(f"{log} has no JSON line of event {event!r}")


def main() -> int:
    try:
        check("the web server, database, Redis and worker answer /healthz", wait_for_health)
        check("production settings: DEBUG off, collected static files", production_settings)
        month = closed_month()
        check(
            f"every role logs in and opens its pages (closed month {month})", lambda: roles(month)
        )
        check("/metrics with its token, and a poll cycle recorded", metrics_and_a_poll_cycle)
        check("JSON log lines", json_logs)
    except Failed as failure:
        print(f"smoke: FAILED {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
