"""The hostile-tenant matrix: every URL pattern of the portal, requested by each of the nine
roles with GET and POST, its path filled with objects of another agency, unit and carrier.

The tenant personas (the demo's agency manager and unit staff of SEF, and Veredas' carrier
staff) must get 404 for every object of the other tenant, and every role refused by a page gets
the page's refusal; a refused request writes nothing (row counts of every table, the audit
history included, unchanged). A pattern missing from EXPECTATIONS fails the test, so a new page
cannot ship unchecked (docs/security.md says how to add one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.services import api_token_create
from billing.choices import JobKind
from billing.invoices.demo import demo_invoice_dir
from billing.invoices.services import invoice_import
from billing.models import BillingPeriod, StatementLine
from billing.services import period_job_request
from inventory.models import Carrier, Link
from monitoring.choices import OutageKind, Responsibility, WindowScope
from monitoring.models import Outage, Ticket
from monitoring.services import maintenance, noc, responsibility, tickets
from orders.choices import OrderStatus, OrderType
from orders.services import order_create, order_transition
from outbox.services import message_email
from penalties.choices import ProceedingStatus, Sanction
from penalties.services import proceeding_open, proceeding_transition
from people.services import person_invite
from redegov import access
from redegov.models import User
from redegov.roles import Role
from sla.models import BreachFlag

pytestmark = pytest.mark.django_db

# The personas: one login per role, the tenant ones tied to SEF (its headquarters unit) and to
# Veredas (lots 7 and 8 of the demo).
PERSONAS = {
    Role.AGENCY_MANAGER: "gestor.sef",
    Role.AGENCY_UNIT: "servidor.sef",
    Role.CARRIER: "operadora.veredas",
    Role.NOC: "noc",
    Role.BILLING: "ugs",
    Role.COMMITTEE: "comite",
    Role.LEGAL: "juridico",
    Role.AUTHORITY: "autoridade",
    Role.ADMIN: "admin",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TENANT = frozenset({Role.AGENCY_MANAGER, Role.AGENCY_UNIT, Role.CARRIER})
EVERYONE = frozenset(Role.values)
NOBODY: frozenset[str] = frozenset()
LINK_READERS = access.NETWORK_WIDE | TENANT


@dataclass(frozen=True)
class Expect:
    """What a pattern answers. `kwargs` names the objects of the world that fill its path.
    `roles` may use the page; the others get `refusal`. When `foreign` is true the path names
    the other tenant's object, so the tenant roles among `roles` get 404."""

    kwargs: dict[str, str] = field(default_factory=dict)
    roles: frozenset[str] = EVERYONE
    refusal: int = 403
    foreign: bool = True
    also: tuple[int, ...] = ()  # statuses of an allowed request that are not errors
    post: frozenset[str] | None = None  # who may POST, when fewer than `roles`
    post_refusal: int = 403


def page(roles: frozenset[str] = EVERYONE, refusal: int = 403, **kwargs) -> Expect:
    """A page whose path names no tenant's object (lists, month pages, forms)."""
    return Expect(roles=roles, refusal=refusal, foreign=False, **_split(kwargs))


def row(roles: frozenset[str], refusal: int = 404, **kwargs) -> Expect:
    """A page of one row of the other tenant's; roles that see no such rows get `refusal`."""
    return Expect(roles=roles, refusal=refusal, foreign=True, **_split(kwargs))


def _split(kwargs: dict) -> dict:
    """Path parameters apart from the other options of Expect."""
    options = {k: kwargs.pop(k) for k in ("post", "post_refusal", "also") if k in kwargs}
    return {"kwargs": kwargs, **options}


BILLING = access.BILLING_STAFF
NOC = access.NOC_STAFF
CARRIER = access.CARRIER_ROLES
PROCEEDINGS = access.PROCEEDING_READERS
EXPECTATIONS: dict[str, Expect] = {
    "home": page(),
    "healthz": Expect(foreign=False, also=(503,)),  # 503 names what is down (no workers here)
    # Scrapers only, by token or address (portal.metrics); a session is not enough.
    "metrics": page(NOBODY, refusal=404),
    "login": page(),
    "logout": page(),
    # Single sign-on: 404 for everyone while OIDC_ENABLED is off, as here (tests/people/test_sso).
    "sso:start": page(NOBODY, refusal=404),
    "sso:callback": page(NOBODY, refusal=404),
    # Inventory.
    "inventory:link-list": page(),
    "inventory:link-export": page(fmt="csv"),
    "inventory:link-detail": row(LINK_READERS, pk="link"),
    # Monitoring.
    "monitoring:ticket-list": page(),
    "monitoring:ticket-detail": row(LINK_READERS, pk="ticket"),
    "monitoring:ticket-acknowledge": row(LINK_READERS, pk="ticket"),
    "monitoring:ticket-restore": row(LINK_READERS, pk="ticket"),
    "monitoring:outage-list": page(),
    "monitoring:outage-export": page(fmt="csv"),
    "monitoring:outage-classify-bulk": page(NOC),
    "monitoring:outage-detail": row(LINK_READERS, pk="outage"),
    "monitoring:outage-classify": row(LINK_READERS, pk="outage"),
    "monitoring:outage-split": row(LINK_READERS, pk="outage"),
    "monitoring:dispute-file": row(LINK_READERS, pk="outage"),
    "monitoring:dispute-decide": row(LINK_READERS, pk="outage", dispute_pk="dispute"),
    "monitoring:dispute-attachment": row(
        LINK_READERS, pk="outage", attachment_pk="dispute_attachment"
    ),
    "monitoring:maintenance-list": page(),
    "monitoring:maintenance-request": page(CARRIER),
    "monitoring:maintenance-decide": row(access.NETWORK_WIDE | CARRIER, pk="window"),
    "monitoring:panel": page(LINK_READERS),
    "monitoring:panel-items": page(LINK_READERS),
    "monitoring:panel-note": page(LINK_READERS),
    "monitoring:panel-subscription": page(access.AGENCY_MANAGERS),
    # The reports each role may open (a tenant its own: the world's is another tenant's).
    "monitoring:irregularity-list": page(LINK_READERS),
    "monitoring:irregularity-new": page(access.AGENCY_MANAGERS),
    "monitoring:irregularity-detail": row(LINK_READERS, pk="irregularity"),
    "monitoring:irregularity-answer": row(LINK_READERS, post=NOC, pk="irregularity"),
    "monitoring:irregularity-attachment": row(
        LINK_READERS, pk="irregularity", attachment_pk="irregularity_attachment"
    ),
    "monitoring:link-monitoring": row(LINK_READERS, pk="link"),
    # Orders.
    "orders:order-list": page(),
    "orders:order-export": page(fmt="csv"),
    "orders:order-compliance": page(access.NETWORK_WIDE | CARRIER),
    "orders:order-create": page(access.ORDER_FILERS, kind="ativacao"),
    "orders:order-detail": row(LINK_READERS, pk="order"),
    "orders:order-transition": row(LINK_READERS, pk="order"),
    "orders:order-attachment": row(LINK_READERS, pk="order", event_pk="order_event"),
    # Billing.
    "billing:period-list": page(access.BILL_READERS),
    "billing:period-compute": page(BILLING),
    "billing:period-overview": page(access.BILL_READERS, label="open_month"),
    "billing:period-close": page(BILLING, label="open_month"),
    "billing:statement": page(access.BILL_READERS, label="open_month"),
    "billing:statement-export": page(access.BILL_READERS, label="open_month", fmt="csv"),
    "billing:line-detail": row(access.BILL_READERS, pk="line"),
    "billing:job": row(BILLING, refusal=403, pk="job"),
    "billing:job-file": row(BILLING, refusal=403, also=(404,), pk="job"),  # no file made yet
    "invoices:layout-list": page(BILLING),
    "invoices:layout-edit": page(BILLING, carrier_pk="foreign_carrier"),
    "invoices:invoice-list": page(
        access.INVOICE_READERS, post=access.INVOICE_UPLOADERS, label="open_month"
    ),
    "invoices:invoice-import": page(access.INVOICE_UPLOADERS, label="open_month"),
    "invoices:invoice-detail": row(access.INVOICE_READERS, refusal=403, pk="invoice"),
    "invoices:invoice-reconcile": row(BILLING, refusal=403, pk="invoice"),
    "invoices:difference-move": row(
        access.INVOICE_READERS, refusal=403, pk="difference", to="answered"
    ),
    # IMR.
    "sla:result-list": page(access.IMR_READERS),
    "sla:result-export": page(access.IMR_READERS, fmt="csv"),
    "sla:report-pdf": page(access.IMR_READERS),
    "sla:definition-list": page(access.IMR_READERS),
    "sla:definition-change": page(BILLING, contract_id="contract", code="I1"),
    "sla:dashboard": page(access.IMR_READERS),
    "sla:committee": page(access.NETWORK_WIDE),
    "sla:flag-list": page(access.SUMMARY_READERS),
    "sla:flag-detail": page(access.SUMMARY_READERS, post=BILLING, pk="flag"),
    # Fine proceedings.
    "penalties:proceeding-list": page(PROCEEDINGS),
    "penalties:proceeding-export": page(PROCEEDINGS, fmt="csv"),
    "penalties:proceeding-open": page(BILLING),
    "penalties:proceeding-from-flag": page(BILLING, flag_pk="flag"),
    "penalties:fines-report": page(PROCEEDINGS),
    "penalties:fines-report-export": page(PROCEEDINGS, fmt="csv"),
    "penalties:proceeding-detail": row(PROCEEDINGS, pk="proceeding"),
    "penalties:proceeding-transition": row(PROCEEDINGS, pk="proceeding"),
    "penalties:opinion-add": row(PROCEEDINGS, pk="proceeding"),
    "penalties:document-download": row(PROCEEDINGS, pk="proceeding", document_pk="document"),
    "penalties:notice-pdf": row(PROCEEDINGS, pk="proceeding", event_pk="notice"),
    # Technical reports.
    "reports:index": page(access.REPORT_READERS),
    "reports:summary": page(access.SUMMARY_READERS),
    "reports:summary-pdf": page(access.SUMMARY_READERS),
    "reports:month": page(access.REPORT_READERS, label="closed_month"),
    "reports:month-archive": page(BILLING, label="closed_month"),
    "reports:report": row(access.REPORT_READERS, refusal=403, label="closed_month", code="agency"),
    "reports:report-pdf": row(
        access.REPORT_READERS, refusal=403, label="closed_month", code="agency"
    ),
    "reports:report-attest": row(
        access.REPORT_READERS,
        refusal=403,
        post=access.AGENCY_MANAGERS,
        label="closed_month",
        code="agency",
    ),
    # The API (the same rows as the pages).
    "api:link-list": page(),
    "api:link-detail": row(LINK_READERS, pk="link"),
    "api:order-list": page(post=access.ORDER_FILERS),
    "api:order-detail": row(LINK_READERS, pk="order"),
    "api:order-accept": row(CARRIER, refusal=403, pk="order"),
    "api:order-complete": row(CARRIER, refusal=403, pk="order"),
    "api:order-pause": row(CARRIER, refusal=403, pk="order"),
    "api:order-start": row(CARRIER, refusal=403, pk="order"),
    "api:order-submit": row(access.AGENCY_MANAGERS, refusal=403, pk="order"),
    "api:ticket-list": page(),
    "api:ticket-detail": row(LINK_READERS, pk="ticket"),
    "api:ticket-acknowledge": row(CARRIER, refusal=403, pk="ticket"),
    "api:ticket-restore": row(CARRIER, refusal=403, pk="ticket"),
    "api:outage-list": page(post=NOC),
    "api:outage-detail": row(LINK_READERS, pk="outage"),
    "api:maintenance-list": page(post=CARRIER),
    "api:maintenance-detail": row(access.NETWORK_WIDE | CARRIER, pk="window"),
    "api:statement-list": page(access.BILL_READERS),
    "api:statement-detail": page(access.BILL_READERS, period="open_month"),
    "api:imr-detail": page(access.IMR_READERS, period="closed_month"),
    "api:proceeding-list": page(),
    "api:proceeding-detail": row(PROCEEDINGS, pk="proceeding"),
    "api:proceeding-defense": row(CARRIER, refusal=403, pk="proceeding"),
    "api:schema": page(),
    "api:docs": page(),
    "api:redoc": page(),
    "api:token-list": page(),
    "api:token-revoke": row(NOBODY, pk="token"),
    "api:not-found": page(NOBODY, refusal=404, path="nada"),
    # The outbox's dead letters: the NOC and admins only.
    "outbox:dead-list": page(NOC),
    "outbox:message-retry": page(NOC, pk="message"),
    "outbox:message-cancel": page(NOC, pk="message"),
    # People: the invitation link is for anyone holding it (an unknown token is 404); the
    # pending invitations are the admins'.
    "people:invitation-accept": page(also=(404,), token="nada"),
    "people:invitation-list": page(access.PEOPLE_ADMINS),
    "people:invitation-resend": page(access.PEOPLE_ADMINS, pk="invitation"),
    "people:invitation-revoke": page(access.PEOPLE_ADMINS, pk="invitation"),
    # One's own second factor (the tests leave SECOND_FACTOR_REQUIRED off).
    "people:otp-setup": page(),
    "people:otp-verify": page(),
    "people:otp-recovery": page(),
    # One's own page and leaving every session (which ends the matrix's sessions too).
    "people:account": page(),
    "people:sessions-end": page(),
    # Password reset: for anyone (a link that is not valid says so with 200).
    "people:password-reset": page(),
    "people:password-reset-done": page(),
    "people:password-reset-confirm": page(uidb64="MQ", token="nada"),
    "people:password-reset-complete": page(),
}


def url_patterns(patterns=None, namespace: str = ""):
    """(name, pattern) of every named pattern the resolver serves, the admin site aside."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner != "admin:":
                yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the portal's models (audit events included)."""
    # Sessions and login bookkeeping change with every request, and the API's audit keeps
    # every write attempt, refusals included (api.models.ApiWrite); nothing else may change.
    existing = set(connection.introspection.table_names(include_views=False)) - {
        "django_session",
        "axes_accesslog",
        "axes_accessattempt",
        "api_apiwrite",
    }
    tables = sorted({m._meta.db_table for m in apps.get_models()} & existing)
    # Table names come from the models, not from input.
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def other_tenant_link(carrier: Carrier) -> Link:
    """An active link of another agency than SEF, in a lot Veredas is no member of."""
    return (
        Link.objects.filter(status="active")
        .exclude(agency__code="SEF")
        .exclude(lot__members__carrier=carrier)
        .select_related("lot", "agency")
        .order_by("circuit_id")
        .first()
    )


@pytest.fixture
def world(municipalities, settings, tmp_path) -> dict[str, object]:
    """The demo (50 links) plus the rows it lacks, all of the other tenant's."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", links=60, seed=2, stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    veredas = Carrier.objects.get(code="veredas")
    link = other_tenant_link(veredas)
    leader = link.lot.members.order_by("position").first().carrier
    carrier_staff = User.objects.get(username=f"operadora.{leader.code}")
    agency_staff = User.objects.filter(agency=link.agency).first() or User.objects.create_user(
        username="gestor.outro", agency=link.agency
    )
    agency_staff.groups.add(
        *apps.get_model("auth", "Group").objects.filter(name=Role.AGENCY_MANAGER)
    )
    start = now - timedelta(hours=3)
    outage = Outage.objects.create(
        link=link,
        start=start.replace(second=0, microsecond=0),
        end=(start + timedelta(hours=1)).replace(second=0, microsecond=0),
        kind=OutageKind.INTERRUPTION,
        responsibility=Responsibility.PENDING,
    )
    tickets.tickets_open(outages=[outage], losses=[], now=now)
    dispute = responsibility.dispute_file(
        outage_id=outage.pk,
        requested="agency",
        text="Sem energia",
        files=[SimpleUploadedFile("laudo.pdf", PDF, content_type="application/pdf")],
        by=carrier_staff,
        now=now,
    )
    window = maintenance.maintenance_request(
        by=carrier_staff,
        scope=WindowScope.LINKS,
        start=now + timedelta(days=5),
        end=now + timedelta(days=5, hours=2),
        description="Troca de equipamento",
        now=now,
        links=[link],
    )
    report = noc.irregularity_report(
        link_id=link.pk,
        description="Lento",
        files=[SimpleUploadedFile("tela.pdf", PDF, content_type="application/pdf")],
        by=agency_staff,
        now=now,
    )
    open_month = (
        BillingPeriod.objects.filter(closed_at__isnull=True).order_by("-year", "-month").first()
    )
    closed_month = (
        BillingPeriod.objects.filter(closed_at__isnull=False).order_by("-year", "-month").first()
    )
    alterosa = Carrier.objects.get(code="alterosa")
    data = (demo_invoice_dir() / f"alterosa-{open_month.label}.csv").read_bytes()
    invoice = invoice_import(
        period=open_month,
        carrier=alterosa,
        number="ALT-1",
        filename="alterosa.csv",
        data=data,
        user=User.objects.get(username="ugs"),
        now=now,
    )
    order = order_create(
        user=agency_staff,
        order_type=OrderType.CANCELLATION,
        link=link,
        requested_date=timezone.localdate() + timedelta(days=20),
    )
    order_transition(
        order=order,
        to=OrderStatus.SUBMITTED,
        user=agency_staff,
        attachment=SimpleUploadedFile("planta.pdf", PDF, content_type="application/pdf"),
    )
    order_transition(order=order, to=OrderStatus.DISPATCHED, user=User.objects.get(username="noc"))
    staff = User.objects.get(username="ugs")
    proceeding = proceeding_open(
        user=staff,
        lot=link.lot,
        facts="Descumprimento reiterado do IMR.",
        sanction=Sanction.WARNING,
        documents=[SimpleUploadedFile("fatos.pdf", PDF, content_type="application/pdf")],
        at=now,
    )
    proceeding = proceeding_transition(
        proceeding=proceeding, to=ProceedingStatus.NOTIFIED, user=staff, at=now
    )
    return {
        "link": link.pk,
        "outage": outage.pk,
        "ticket": Ticket.objects.get(outage=outage).pk,
        "dispute": dispute.pk,
        "dispute_attachment": dispute.attachments.get().pk,
        "window": window.pk,
        "irregularity": report.pk,
        "irregularity_attachment": report.attachments.get().pk,
        "order": order.pk,
        "order_event": order.events.exclude(attachment="").get().pk,
        "line": StatementLine.objects.filter(link=link, period=open_month).get().pk,
        "job": period_job_request(
            period=closed_month,
            kind=JobKind.REPORTS,
            user=User.objects.get(username="ugs"),
            now=now,
        ).pk,
        "foreign_carrier": alterosa.pk,
        "invoice": invoice.pk,
        "difference": invoice.differences.first().pk,
        "open_month": open_month.label,
        "closed_month": closed_month.label,
        "contract": link.contract_id,
        "flag": BreachFlag.objects.first().pk,
        "proceeding": proceeding.pk,
        "document": proceeding.documents.get().pk,
        "notice": proceeding.events.get(notice=True).pk,
        "agency": link.agency.code,
        "token": api_token_create(user=agency_staff, name="outro", expires_on=None, now=now)[0].pk,
        "circuit_id": link.circuit_id,
        "fmt": "csv",
        "message": message_email(
            kind="ticket", ref="x:1", to=["noc@example.com"], subject="s", body="b"
        ).pk,
        "invitation": person_invite(email="convidado@example.com", role=Role.NOC, now=now)
        .invitations.get()
        .pk,
    }


# Patterns that end sessions: "people:sessions-end" ends every session of the person.
ENDS_SESSIONS = frozenset({"logout", "people:sessions-end"})


def expected(name: str, expect: Expect, role: str, method: str) -> int | None:
    """The status a role must get (None: allowed, any answer but a refusal or an error). The
    committee reads and never writes: its POSTs are refused before any view runs."""
    if method == "post" and role in access.READ_ONLY and name not in access.READ_ONLY_MAY_POST:
        return 403
    if role not in expect.roles:
        return expect.refusal
    if expect.foreign and role in TENANT:
        return 404
    if method == "post" and expect.post is not None and role not in expect.post:
        return expect.post_refusal
    return None


def clients_for(personas: dict[str, str]) -> dict[str, Client]:
    clients = {}
    for role, username in personas.items():
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    return clients


def test_every_url_pattern_is_in_the_matrix():
    names = {name for name, _ in url_patterns()}
    assert names - set(EXPECTATIONS) == set(), "add these patterns to EXPECTATIONS"
    assert set(EXPECTATIONS) - names == set(), "these patterns no longer exist"


def test_hostile_tenant_matrix(world, capsys):
    clients = clients_for(PERSONAS)
    failures = []
    requests = 0
    for name, expect in sorted(EXPECTATIONS.items()):
        kwargs = {param: str(world.get(value, value)) for param, value in expect.kwargs.items()}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            for role, logged_in in clients.items():
                # Logging out ends the session: that pattern gets a session of its own.
                client = clients_for(PERSONAS)[role] if name in ENDS_SESSIONS else logged_in
                before = row_counts() if method == "post" else None
                response = getattr(client, method)(url)
                requests += 1
                status = response.status_code
                if status == 405:
                    continue
                want = expected(name, expect, role, method)
                if (status >= 500 and status not in expect.also) or (
                    want is not None and status != want
                ):
                    failures.append(f"{method.upper()} {name} as {role}: {status}, want {want}")
                elif want is None and status in (403, 404) and status not in expect.also:
                    failures.append(f"{method.upper()} {name} as {role}: {status}, want allowed")
                after = row_counts() if before is not None and want is not None else before
                if after != before:
                    wrote = sorted(t for t in after if after[t] != before[t])
                    failures.append(f"{method.upper()} {name} as {role}: refused but wrote {wrote}")
                if (
                    method == "get"
                    and role in TENANT
                    and status == 200
                    and world["circuit_id"] in response.content.decode(errors="replace")
                ):
                    failures.append(f"GET {name} as {role}: shows {world['circuit_id']}")
        if name in ENDS_SESSIONS:  # every session of each persona ended: sign in again
            clients = clients_for(PERSONAS)
    with capsys.disabled():
        print(
            f"\ntenant matrix: {len(EXPECTATIONS)} patterns x {len(PERSONAS)} roles x 2 methods"
            f" = {len(EXPECTATIONS) * len(PERSONAS) * 2} cells, {requests} requests"
        )
    assert failures == [], "\n".join(failures)
