"""Demo service orders: orders of the demo agency (SEF) in every status, some late, some
paused, written through the services at past instants. Call `seed_demo_orders()` after
`inventory.demo.build.seed_demo` (the `seed_demo` command). Runs once: a second call finds the
demo's orders and does nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from inventory.choices import AccessType, LinkStatus
from inventory.demo.catalog import BELO_HORIZONTE
from inventory.demo.plan import SPEEDS_MBPS
from inventory.models import Link, Municipality
from orders.choices import OrderStatus, OrderType
from orders.models import Order
from orders.services import order_create, order_transition
from redegov.models import User

S = OrderStatus
MARK = "[demonstração]"
HAPPY_PATH = [S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.IN_EXECUTION, S.COMPLETED, S.VERIFIED]
# (final status, days ago the draft was filed, detour): each order walks the happy path up to
# its status; a detour is (after which status, which status instead).
PLAN = [
    (S.DRAFT, 1),
    (S.SUBMITTED, 2),
    (S.RETURNED, 3),
    (S.REJECTED, 4),
    (S.DISPATCHED, 3),
    (S.ACCEPTED, 8),
    (S.IN_EXECUTION, 12),
    (S.IN_EXECUTION, 50),  # late: 30 days in the RMBH
    (S.PENDING_AGENCY, 20),
    (S.PENDING_AGENCY, 45),  # paused after it was already late
    (S.COMPLETED, 10),
    (S.VERIFIED, 25),
    (S.CLOSED, 60),
    (S.CANCELLED, 6),
]
DETOURS = {
    S.RETURNED: S.SUBMITTED,
    S.REJECTED: S.SUBMITTED,
    S.CANCELLED: S.DISPATCHED,
    S.PENDING_AGENCY: S.IN_EXECUTION,
}
ACTORS = {
    S.SUBMITTED: "gestor.sef",
    S.DISPATCHED: "noc",
    S.RETURNED: "noc",
    S.REJECTED: "noc",
    S.VERIFIED: "noc",
    S.CLOSED: "noc",
    S.CANCELLED: "gestor.sef",
}
REASONS = {
    S.RETURNED: "Falta o contato no local.",
    S.REJECTED: "Endereço fora da área do lote.",
    S.PENDING_AGENCY: "Sala técnica sem energia; aguardando o órgão.",
    S.VERIFIED: "Responde ao ICMP; velocidade conferida.",
    S.CANCELLED: "O órgão desistiu da mudança: a unidade fica no endereço atual.",
}


def _path(final: str) -> list[str]:
    if final in DETOURS:
        return [*HAPPY_PATH[: HAPPY_PATH.index(DETOURS[final]) + 1], final]
    if final == S.DRAFT:
        return []
    if final == S.CLOSED:
        return [*HAPPY_PATH, S.CLOSED]
    return HAPPY_PATH[: HAPPY_PATH.index(final) + 1]


def _actor(status: str, carrier_user: User, users: dict[str, User]) -> User:
    username = ACTORS.get(status)
    return users[username] if username else carrier_user


@transaction.atomic
def seed_demo_orders() -> int:
    """The demo's orders; returns how many were created (0 when they already exist)."""
    if Order.objects.filter(notes__startswith=MARK).exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["gestor.sef", "noc"])}
    manager = users["gestor.sef"]
    capital = Municipality.objects.get(pk=BELO_HORIZONTE)
    now = timezone.now()
    created = 0
    for index, (final, days_ago) in enumerate(PLAN, start=1):
        start = now - timedelta(days=days_ago)
        order = order_create(
            user=manager,
            order_type=OrderType.ACTIVATION,
            municipality=capital,
            address=f"Rua da Bahia, {100 + index} - Centro",
            speed_mbps=4,
            access_type=AccessType.SIMPLE,
            site_contact="Recepção, (31) 3915-0000",
            notes=f"{MARK} OS em {S(final).label.lower()}.",
            at=start,
        )
        carrier_user = None
        for step, status in enumerate(_path(final), start=1):
            when = start + timedelta(days=days_ago * step / 8)
            if carrier_user is None and order.carrier_id:
                carrier_user = User.objects.get(username=f"operadora.{order.carrier.code}")
            order = order_transition(
                order=order,
                to=status,
                user=_actor(status, carrier_user, users),
                reason=REASONS.get(status, ""),
                completion={"circuit_id": f"RG-DEMO-{index:03d}", "mgmt_ip": f"127.102.0.{index}"},
                at=when,
            )
        created += 1
    link = (
        Link.objects.filter(agency=manager.agency, status=LinkStatus.ACTIVE, speed_mbps__lt=100)
        .order_by("circuit_id")
        .first()
    )
    if link is not None:
        speed = order_create(
            user=manager,
            order_type=OrderType.SPEED_CHANGE,
            link=link,
            speed_mbps=next(s for s in SPEEDS_MBPS if s > link.speed_mbps),
            notes=f"{MARK} alteração de velocidade",
            at=now - timedelta(days=2),
        )
        order_transition(order=speed, to=S.SUBMITTED, user=manager, at=now - timedelta(days=2))
        created += 1
    return created
