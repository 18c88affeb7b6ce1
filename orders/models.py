"""Service orders (docs/domain.md section 3): what an agency asks a carrier to do to a link, the
events of its lifecycle, the pauses of its clock and the per-contract deadlines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from inventory.choices import AccessType, Region
from inventory.models import Agency, AgencyUnit, Carrier, Contract, Link, Lot, Municipality
from orders.choices import OrderStatus, OrderType
from orders.querysets import OrderQuerySet


class OrderDeadline(models.Model):
    """A contract's deadline for one order type in one region: `days` calendar days, or business
    days when `business_days` is set. Without a row, `orders.clocks.DEFAULT_DEADLINES` applies."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    order_type = models.CharField("tipo de OS", max_length=20, choices=OrderType.choices)
    region = models.CharField("região", max_length=10, choices=Region.choices)
    days = models.PositiveSmallIntegerField("prazo (dias)")
    business_days = models.BooleanField("em dias úteis", default=False)

    class Meta:
        verbose_name = "prazo de OS"
        verbose_name_plural = "prazos de OS"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "order_type", "region"],
                name="%(app_label)s_%(class)s_unique_kind",
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="%(app_label)s_%(class)s_days"),
        ]

    def __str__(self) -> str:
        unit = "dias úteis" if self.business_days else "dias corridos"
        return f"{self.get_order_type_display()} {self.get_region_display()}: {self.days} {unit}"


class OrderNumber(models.Model):
    """The last order number issued in a year (OS-2026-000123); bumped in one statement."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Order(models.Model):
    """A service order (ordem de serviço). An activation names the site and what to install; a
    speed change and a cancellation name an existing link; an address change names the link it
    replaces and the new address, and comes with its linked cancellation (`linked_to`).

    The clock fields are filled at dispatch (`deadline_*`, `due_date`, `due_at`), moved by each
    pause (`due_at`), and stopped by the carrier's completion (`completed_at`) once verification
    succeeds (`verified_at`). Due instants are stored as instants."""

    number = models.CharField("número", max_length=20, unique=True)
    order_type = models.CharField("tipo", max_length=20, choices=OrderType.choices)
    status = models.CharField(
        "situação", max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="orders")
    unit = models.ForeignKey(
        AgencyUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="orders")
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="a quem foi encaminhada (o líder, num consórcio)",
    )
    address = models.CharField("endereço", max_length=300, blank=True)
    speed_mbps = models.PositiveIntegerField("velocidade (Mbps)", null=True, blank=True)
    access_type = models.CharField(
        "tipo de acesso", max_length=10, choices=AccessType.choices, blank=True
    )
    site_contact = models.CharField("contato no local", max_length=200, blank=True)
    notes = models.TextField("observações", blank=True)
    requested_date = models.DateField("data solicitada", null=True, blank=True)
    link = models.ForeignKey(
        Link,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="o acesso alterado ou cancelado; numa ativação, o criado na conclusão",
    )
    replaced_link = models.ForeignKey(
        Link,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacing_orders",
        help_text="mudança de endereço: o acesso do endereço antigo",
    )
    linked_to = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_cancellation",
        help_text="cancelamento vinculado: a mudança de endereço a que pertence",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("criada em")
    dispatched_at = models.DateTimeField("encaminhada em", null=True, blank=True)
    deadline_days = models.PositiveSmallIntegerField("prazo (dias)", null=True, blank=True)
    deadline_business_days = models.BooleanField("prazo em dias úteis", default=False)
    due_date = models.DateField("data-limite", null=True, blank=True)
    base_due_at = models.DateTimeField("prazo original", null=True, blank=True)
    due_at = models.DateTimeField("prazo", null=True, blank=True, help_text="movido pelas pausas")
    completed_at = models.DateTimeField("concluída em", null=True, blank=True)
    verified_at = models.DateTimeField("verificada em", null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ordem de serviço"
        verbose_name_plural = "ordens de serviço"
        constraints = [
            models.CheckConstraint(
                condition=Q(dispatched_at__isnull=True)
                | Q(due_at__isnull=False, base_due_at__isnull=False, deadline_days__isnull=False),
                name="%(app_label)s_%(class)s_dispatch_sets_clock",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gte=F("base_due_at")),
                name="%(app_label)s_%(class)s_pauses_only_move_forward",
            ),
            models.CheckConstraint(
                condition=~Q(order_type__in=[OrderType.SPEED_CHANGE, OrderType.CANCELLATION])
                | Q(link__isnull=False),
                name="%(app_label)s_%(class)s_change_names_link",
            ),
            models.CheckConstraint(
                condition=~Q(order_type=OrderType.ADDRESS_CHANGE) | Q(replaced_link__isnull=False),
                name="%(app_label)s_%(class)s_address_change_names_link",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["carrier", "status"]),
            models.Index(fields=["due_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class OrderEvent(models.Model):
    """One step of an order's life: who moved it, when, from which status to which, why, and an
    optional attachment. The e-mail to the next actor is an outbox message written with it
    (`ref` "orders.orderevent:<id>")."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="vazio: o próprio portal (verificação automática)",
    )
    at = models.DateTimeField("em")
    reason = models.TextField("motivo", blank=True)
    attachment = models.FileField("anexo", upload_to="orders/%Y/%m/", blank=True)

    class Meta:
        ordering = ["order", "at", "pk"]
        verbose_name = "evento da OS"
        verbose_name_plural = "eventos da OS"

    def __str__(self) -> str:
        return f"{self.order} {self.from_status or '-'} -> {self.to_status}"


class OrderPause(models.Model):
    """An interval in which the order waited on the agency ("pendente órgão"). `counted_seconds`
    is how far it moved the due instant: its wall duration, or on a business-day clock only the
    part that fell on business days. Set when the pause ends."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="pauses")
    started_at = models.DateTimeField("início")
    ended_at = models.DateTimeField("fim", null=True, blank=True)
    reason = models.TextField("motivo")
    counted_seconds = models.PositiveIntegerField("segundos que moveram o prazo", default=0)

    class Meta:
        ordering = ["order", "started_at"]
        verbose_name = "pausa (pendente órgão)"
        verbose_name_plural = "pausas (pendente órgão)"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(ended_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.started_at:%d/%m/%Y %H:%M}"
