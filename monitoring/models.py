"""Outages and the monitoring state behind them (docs/domain.md section 4).

PostgreSQL is the truth: every outage is a row, one timeline per link (no two outages of a link
overlap, whatever their kind or source), and the state machine's state is saved with the events
of the cycle that produced it, in one transaction, so that a restarted worker carries on exactly
where the last committed cycle left it."""

import calendar
import itertools
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone

from core.history import audited
from inventory.models import Agency, Carrier, Contract, Link, Lot, Municipality
from monitoring.choices import (
    DecisionAction,
    DisputeStatus,
    IrregularityStatus,
    OutageKind,
    OutageSource,
    Recurrence,
    Responsibility,
    TicketKind,
    TicketStatus,
    WindowScope,
    WindowStatus,
)


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a NULL end is an open (unbounded) upper bound."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


@audited()
class Outage(models.Model):
    """An interval [start, end) in which a link was unavailable: an interruption (the link did
    not answer) or a degraded 5-minute window. `end` is null while an interruption is open.
    Instants are kept as measured (whole minutes with the production 60-second cycle); every
    count truncates them to the minute first. Responsibility decides whether they are counted."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="outages")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)
    kind = models.CharField("tipo", max_length=12, choices=OutageKind.choices)
    source = models.CharField("origem", max_length=6, choices=OutageSource.choices)
    responsibility = models.CharField(
        "responsabilidade",
        max_length=13,
        choices=Responsibility.choices,
        default=Responsibility.PENDING,
    )
    reference = models.CharField("referência", max_length=100, blank=True)
    notes = models.TextField("observações", blank=True)
    created_at = models.DateTimeField("registrada em", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pieces",
        verbose_name="dividida de",
        help_text="a primeira parte da indisponibilidade original, quando esta é uma parte dela",
    )

    class Meta:
        ordering = ["link", "start"]
        verbose_name = "indisponibilidade"
        verbose_name_plural = "indisponibilidades"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_one_timeline_per_link",
                expressions=[
                    ("link", RangeOperators.EQUAL),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=False) | Q(kind=OutageKind.INTERRUPTION),
                name="%(app_label)s_%(class)s_only_interruptions_open",
            ),
        ]
        indexes = [
            models.Index(fields=["link", "start"]),
            models.Index(fields=["start"], name="monitoring_open_outages", condition=Q(end=None)),
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.get_kind_display()} {self.start:%d/%m/%Y %H:%M}"

    @property
    def root_id(self) -> int:
        """The first piece of the outage this one was split from (itself when never split)."""
        return self.split_from_id or self.pk


class RedundancyLoss(models.Model):
    """A redundant access working on one path only: no discount, but a ticket to the carrier."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="redundancy_losses")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)

    class Meta:
        ordering = ["link", "start"]
        verbose_name = "perda de redundância"
        verbose_name_plural = "perdas de redundância"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_one_timeline_per_link",
                expressions=[
                    ("link", RangeOperators.EQUAL),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.start:%d/%m/%Y %H:%M}"


class PollShard(models.Model):
    """A part of the network polled by workers of its own Celery queue (a region, some lots):
    each shard runs its own cycles with its own state and cursor, so several hosts can share a
    network too big for one. Links of lots no shard names belong to the default shard."""

    name = models.CharField("nome", max_length=60, unique=True)
    queue = models.CharField(
        "fila Celery", max_length=60, default="poll", help_text="os workers desta fila a medem"
    )
    is_default = models.BooleanField("padrão", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "fatia de monitoramento"
        verbose_name_plural = "fatias de monitoramento"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="%(app_label)s_%(class)s_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ShardLot(models.Model):
    """A lot whose links a shard polls (a lot belongs to one shard at most)."""

    shard = models.ForeignKey(PollShard, on_delete=models.CASCADE, related_name="lots")
    lot = models.OneToOneField(Lot, on_delete=models.CASCADE, related_name="poll_shard")

    class Meta:
        verbose_name = "lote da fatia"
        verbose_name_plural = "lotes da fatia"

    def __str__(self) -> str:
        return f"{self.shard}: {self.lot}"


class BlindPeriod(models.Model):
    """Time a shard measured nothing: the NOC could not see the network (canaries down, or every
    carrier failing at once), or the shard's cycles did not run (its workers were down or late).
    It is cut out of every outage and counts as available."""

    class Reason(models.TextChoices):
        BLIND = "blind", "NOC sem visibilidade"
        NO_CYCLES = "no_cycles", "ciclos não executados"

    shard = models.ForeignKey(PollShard, on_delete=models.PROTECT, related_name="blind_periods")
    reason = models.CharField("motivo", max_length=10, choices=Reason, default=Reason.BLIND)
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "período sem medição"
        verbose_name_plural = "períodos sem medição"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_no_overlap",
                expressions=[
                    ("shard", RangeOperators.EQUAL),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shard} {self.start:%d/%m/%Y %H:%M}"


class Canary(models.Model):
    """An address on the NOC's side of the network: when every canary fails, the NOC is blind."""

    address = models.GenericIPAddressField("endereço", unique=True)
    name = models.CharField("nome", max_length=80)

    class Meta:
        verbose_name = "sentinela"
        verbose_name_plural = "sentinelas"

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


@audited()
class MonitoringSettings(models.Model):
    """A contract's monitoring settings (docs/domain.md section 4 defaults). A contract without a row
    uses the defaults."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="monitoring_settings"
    )
    echoes = models.PositiveSmallIntegerField("ecos por ciclo", default=5)
    fail_cycles = models.PositiveSmallIntegerField("ciclos falhos para interrupção", default=3)
    window_minutes = models.PositiveSmallIntegerField("janela de degradação (min)", default=5)
    loss_pct = models.PositiveSmallIntegerField("perda máxima (%)", default=20)
    rtt_ms = models.PositiveIntegerField("latência máxima (ms)", default=150)
    min_replies = models.PositiveSmallIntegerField("respostas mínimas para latência", default=20)
    blind_pct = models.PositiveSmallIntegerField("falha simultânea para cegueira (%)", default=30)
    repair_minutes_metro = models.PositiveIntegerField("prazo de reparo RMBH (min)", default=240)
    repair_minutes_interior = models.PositiveIntegerField(
        "prazo de reparo Interior (min)", default=480
    )
    maintenance_notice_hours = models.PositiveIntegerField(
        "antecedência mínima de janela de manutenção (h)", default=72
    )

    class Meta:
        verbose_name = "parâmetros de monitoramento"
        verbose_name_plural = "parâmetros de monitoramento"
        constraints = [
            models.CheckConstraint(
                condition=Q(echoes__gt=0, fail_cycles__gt=0, window_minutes__gt=0)
                & Q(loss_pct__lte=100, blind_pct__lte=100),
                name="%(app_label)s_%(class)s_sane",
            ),
        ]

    def __str__(self) -> str:
        return str(self.contract)


class EngineCursor(models.Model):
    """A shard's last processed cycle and the state machine's state after it. Locked for the
    length of a cycle's transaction: one cycle at a time per shard, each exactly once. The links'
    states travel as one compact blob (`monitoring.snapshots`): a row per link rewritten every
    cycle would cost more than the cycle itself at 10^5 links."""

    shard = models.OneToOneField(
        PollShard, on_delete=models.CASCADE, primary_key=True, related_name="cursor"
    )
    last_cycle_id = models.BigIntegerField(null=True)
    network_state = models.JSONField(default=dict, help_text="blindness and recent blind periods")
    link_states = models.BinaryField(default=b"")
    recorded_at = models.DateTimeField("último ciclo gravado em", null=True)

    def __str__(self) -> str:
        return f"{self.shard}: ciclo {self.last_cycle_id}"


class CycleTally(models.Model):
    """What one shard's poll of one cycle saw, posted (committed) before the shard applies the
    cycle, so that the shards of one cycle judge blindness over the whole network: its active
    links per carrier (polled, failed) and whether all of its own canaries failed. Kept an hour
    (`monitoring.services.cycles`)."""

    cycle_id = models.BigIntegerField("ciclo")
    shard = models.ForeignKey(PollShard, on_delete=models.CASCADE, related_name="tallies")
    canaries_failed = models.BooleanField("sentinelas da fatia falharam")
    carriers = models.JSONField(
        "por operadora", default=dict, help_text="{id da operadora: [acessos medidos, falhos]}"
    )
    blind_pct = models.PositiveSmallIntegerField("% de falha que cega o NOC", default=30)
    posted_at = models.DateTimeField("publicado em")

    class Meta:
        verbose_name = "apuração de ciclo da fatia"
        verbose_name_plural = "apurações de ciclo das fatias"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle_id", "shard"], name="%(app_label)s_%(class)s_one_per_shard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shard}: ciclo {self.cycle_id}"


class CycleVerdict(models.Model):
    """The network's judgement of one cycle's carriers, made once, by the first shard to apply
    the cycle, from the tallies posted by then (every live shard's, unless one was too late),
    and followed by every shard of that cycle: whether more than `blind_pct` of the links of
    every carrier failed. Kept an hour."""

    cycle_id = models.BigIntegerField("ciclo", primary_key=True)
    carriers_blind = models.BooleanField("todas as operadoras acima do limite")
    shards = models.JSONField("fatias apuradas", default=list, help_text="ids das fatias")
    decided_at = models.DateTimeField("decidido em")

    class Meta:
        verbose_name = "veredito de ciclo"
        verbose_name_plural = "vereditos de ciclo"

    def __str__(self) -> str:
        return f"ciclo {self.cycle_id}: {'cego' if self.carriers_blind else 'visível'}"


class SnmpSample(models.Model):
    """The last SNMP reading of a link's CPE (per path): evidence beside ICMP, never a verdict.
    ifOperStatus down while ICMP answers is flagged for the NOC, not counted as an outage."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="snmp_samples")
    path = models.PositiveSmallIntegerField(default=0)
    polled_at = models.DateTimeField("lido em")
    uptime_ticks = models.BigIntegerField("sysUpTime (centésimos de s)", null=True)
    oper_status = models.PositiveSmallIntegerField("ifOperStatus", null=True)
    high_speed_mbps = models.PositiveIntegerField("ifHighSpeed (Mbps)", null=True)
    in_octets = models.DecimalField(max_digits=20, decimal_places=0, null=True)
    out_octets = models.DecimalField(max_digits=20, decimal_places=0, null=True)
    error = models.CharField("erro", max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "path"], name="%(app_label)s_%(class)s_one_per_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_id}/{self.path} {self.polled_at:%d/%m/%Y %H:%M}"


class CarrierChannel(models.Model):
    """The secret a carrier's webhook receiver uses to check that a ticket message came from the
    portal (HMAC-SHA256; docs/tickets.md). The addresses themselves are the carrier's
    `ticket_email` and `ticket_webhook_url`."""

    carrier = models.OneToOneField(Carrier, on_delete=models.CASCADE, related_name="channel")
    webhook_secret = models.CharField("segredo do webhook", max_length=128)

    class Meta:
        verbose_name = "canal de chamados"
        verbose_name_plural = "canais de chamados"

    def __str__(self) -> str:
        return str(self.carrier)


class TicketMessage(models.Model):
    """The tickets a carrier was sent in one go (one cycle): written in the same transaction as
    the outages, with the addresses copied at that moment. What carries them, the e-mail and
    the webhook, are outbox messages (outbox.Message, `ref` "monitoring.ticketmessage:<id>");
    `delivery_id` is in both and is the webhook's Idempotency-Key."""

    delivery_id = models.UUIDField("identificador de entrega", default=uuid.uuid4, unique=True)
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="ticket_messages")
    created_at = models.DateTimeField("criada em", default=timezone.now)
    email_to = models.EmailField("e-mail", blank=True)
    webhook_url = models.URLField("webhook", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "mensagem de chamados"
        verbose_name_plural = "mensagens de chamados"

    def __str__(self) -> str:
        return f"{self.carrier} {self.created_at:%d/%m/%Y %H:%M}"


@audited()
class Ticket(models.Model):
    """A chamado: one per interruption and one per lost redundancy, sent to the lot's carrier
    (the leader, for a consortium). Its repair clock runs from `start` (the unavailability's
    start) to `ended_at` (when monitoring saw the link back); it is on time when `ended_at` is
    not after `due_at`. The carrier's own word (protocol, reported restoration) is kept beside
    it but never moves the clock."""

    kind = models.CharField("tipo", max_length=12, choices=TicketKind.choices)
    status = models.CharField(
        "situação", max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="tickets")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="tickets")
    outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    redundancy_loss = models.ForeignKey(
        RedundancyLoss, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    message = models.ForeignKey(TicketMessage, on_delete=models.PROTECT, related_name="tickets")
    opened_at = models.DateTimeField("aberto em")
    start = models.DateTimeField("início da indisponibilidade")
    deadline_minutes = models.PositiveIntegerField("prazo de reparo (min)")
    due_at = models.DateTimeField("reparo devido até")
    ended_at = models.DateTimeField("restabelecido em (monitoramento)", null=True, blank=True)
    protocol = models.CharField("protocolo", max_length=60, blank=True)
    acknowledged_at = models.DateTimeField("recebido em", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restored_at = models.DateTimeField("restabelecimento informado em", null=True, blank=True)
    restoration_cause = models.TextField("causa informada", blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("encerrado em", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "chamado"
        verbose_name_plural = "chamados"
        constraints = [
            models.UniqueConstraint(
                fields=["outage"],
                condition=Q(outage__isnull=False),
                name="%(app_label)s_%(class)s_one_per_outage",
            ),
            models.UniqueConstraint(
                fields=["redundancy_loss"],
                condition=Q(redundancy_loss__isnull=False),
                name="%(app_label)s_%(class)s_one_per_redundancy_loss",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("start")), name="%(app_label)s_%(class)s_due_after_start"
            ),
        ]
        indexes = [models.Index(fields=["carrier", "status"])]

    def __str__(self) -> str:
        return f"Chamado {self.pk} ({self.link})"

    @property
    def on_time(self) -> bool | None:
        """None while the link is still down."""
        return None if self.ended_at is None else self.ended_at <= self.due_at


class Dispute(models.Model):
    """A carrier's request to reclassify an outage, with its text and files; the NOC accepts or
    rejects it with a reason. One open dispute per outage at a time."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="disputes")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    requested = models.CharField(
        "responsabilidade pedida", max_length=13, choices=Responsibility.choices
    )
    text = models.TextField("justificativa")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("apresentada em")
    status = models.CharField(
        "situação", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decidida em", null=True, blank=True)
    decision_reason = models.TextField("motivo da decisão", blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = "contestação"
        verbose_name_plural = "contestações"
        constraints = [
            models.UniqueConstraint(
                fields=["outage"],
                condition=Q(status=DisputeStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_outage",
            )
        ]

    def __str__(self) -> str:
        return f"Contestação {self.pk} ({self.outage})"


class DisputeAttachment(models.Model):
    """A file the carrier filed with a dispute (evidence)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("arquivo", upload_to="contestacoes/%Y/%m/")
    name = models.CharField("nome", max_length=200)

    class Meta:
        verbose_name = "anexo da contestação"
        verbose_name_plural = "anexos da contestação"

    def __str__(self) -> str:
        return self.name


class OutageDecision(models.Model):
    """One step in the life of an outage's responsibility: a classification, a split, an
    automatic maintenance classification, a dispute and its decision. `by` is None for the
    portal's own steps. Never edited: the outage's page shows them all."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField("ação", max_length=16, choices=DecisionAction.choices)
    before = models.CharField("antes", max_length=13, choices=Responsibility.choices)
    after = models.CharField("depois", max_length=13, choices=Responsibility.choices)
    reason = models.TextField("motivo")
    split_at = models.DateTimeField("dividida em", null=True, blank=True)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "decisão sobre indisponibilidade"
        verbose_name_plural = "decisões sobre indisponibilidades"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


@audited()
class MaintenanceWindow(models.Model):
    """A maintenance window a carrier asks for, at least `maintenance_notice_hours` ahead, for
    some links, a lot or a municipality; once approved by the NOC, polled outages still
    `pending` inside one of its occurrences become `maintenance` (split at its bounds). A
    recurring window repeats its first occurrence [start, end) weekly or monthly (same local
    wall time; a month without the day is skipped) until `repeat_until` (a local date)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="maintenances")
    scope = models.CharField("abrangência", max_length=12, choices=WindowScope.choices)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    links = models.ManyToManyField(Link, blank=True, related_name="maintenances")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim")
    recurrence = models.CharField(
        "recorrência", max_length=8, choices=Recurrence.choices, default=Recurrence.NONE
    )
    repeat_until = models.DateField("repetir até", null=True, blank=True)
    description = models.TextField("descrição do serviço")
    status = models.CharField(
        "situação", max_length=10, choices=WindowStatus.choices, default=WindowStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("solicitada em")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decidida em", null=True, blank=True)
    decision_reason = models.TextField("motivo da decisão", blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "janela de manutenção"
        verbose_name_plural = "janelas de manutenção"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(scope=WindowScope.LOT, lot__isnull=False, municipality__isnull=True)
                | Q(scope=WindowScope.MUNICIPALITY, lot__isnull=True, municipality__isnull=False)
                | Q(scope=WindowScope.LINKS, lot__isnull=True, municipality__isnull=True),
                name="%(app_label)s_%(class)s_scope_matches",
            ),
            models.CheckConstraint(
                condition=Q(recurrence=Recurrence.NONE, repeat_until__isnull=True)
                | (~Q(recurrence=Recurrence.NONE) & Q(repeat_until__isnull=False)),
                name="%(app_label)s_%(class)s_recurrence_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"Janela {self.pk} ({self.start:%d/%m/%Y %H:%M})"

    def occurrences(self, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        """The occurrences [start, end) that overlap [since, until), in order."""
        first_start = timezone.localtime(self.start)
        length = self.end - self.start
        found = []
        for k in itertools.count():
            if k and self.recurrence == Recurrence.NONE:
                break
            start = _shifted(first_start, self.recurrence, k)
            if start is None:
                continue
            if start >= until or (self.repeat_until and start.date() > self.repeat_until):
                break
            if start + length > since:
                found.append((start, start + length))
        return found


def _shifted(first: datetime, recurrence: str, k: int) -> datetime | None:
    """The k-th repetition of a local instant at the same wall time (None: that month has no
    such day)."""
    if k == 0:
        return first
    if recurrence == Recurrence.WEEKLY:
        day = first.date() + timedelta(weeks=k)
    else:
        year, month = divmod(first.month - 1 + k, 12)
        if first.day > calendar.monthrange(first.year + year, month + 1)[1]:
            return None
        day = date(first.year + year, month + 1, first.day)
    return datetime.combine(day, first.time(), tzinfo=first.tzinfo)


# The NOC panel (issue 5): evidence over time, the operators' notes, agencies' subscriptions and
# irregularity reports.


EVIDENCE_WINDOW_MINUTES = 5
MAX_CYCLES_PER_WINDOW = 63  # bits of a bigint left for `polled_cycles` and `failed_cycles`


def cycle_bits_kept(length: timedelta) -> bool:
    """Whether cycles of this length get their bits in a window (at least 5 s: 300 s / 63)."""
    return timedelta(minutes=EVIDENCE_WINDOW_MINUTES) // length <= MAX_CYCLES_PER_WINDOW


class PollWindow(models.Model):
    """What was measured of one path of a link in one aligned 5-minute window (local :00, :05,
    ...): its cycles' echoes added up, which cycles ran and which failed, and the last SNMP
    reading taken in it. The link's page draws its charts from these rows, and
    `verify_outages` re-derives every outage from them.

    The table is partitioned by calendar month (America/Sao_Paulo) and written in bulk, one
    statement per cycle (`monitoring.services.evidence`); partitions older than
    MONITORING_EVIDENCE_MONTHS are dropped whole. Links are not foreign keys here: checking
    10^5 references per cycle would cost more than writing the rows, and evidence outlives
    nothing it refers to (links are cancelled, never deleted)."""

    pk = models.CompositePrimaryKey("link_id", "path", "start")
    link = models.ForeignKey(
        Link, on_delete=models.DO_NOTHING, db_constraint=False, related_name="poll_windows"
    )
    path = models.PositiveSmallIntegerField(default=0)
    start = models.DateTimeField("início da janela")
    echoes_sent = models.PositiveIntegerField("ecos enviados", default=0)
    echoes_received = models.PositiveIntegerField("ecos respondidos", default=0)
    rtt_sum_us = models.BigIntegerField(
        "soma das latências (µs)", default=0, help_text="dividida pelos ecos respondidos: média"
    )
    rtt_min_us = models.PositiveIntegerField("menor latência (µs)", null=True)
    rtt_max_us = models.PositiveIntegerField("maior latência (µs)", null=True)
    polled_cycles = models.BigIntegerField(
        "ciclos medidos", default=0, help_text="bit n: o n-ésimo ciclo da janela enviou ecos"
    )
    failed_cycles = models.BigIntegerField(
        "ciclos falhos", default=0, help_text="bit n: nenhum eco do n-ésimo ciclo voltou"
    )
    last_reply_at = models.DateTimeField("última resposta", null=True)
    snmp_at = models.DateTimeField("leitura SNMP em", null=True)
    uptime_ticks = models.BigIntegerField("sysUpTime (centésimos de s)", null=True)
    oper_status = models.PositiveSmallIntegerField("ifOperStatus", null=True)
    high_speed_mbps = models.PositiveIntegerField("ifHighSpeed (Mbps)", null=True)
    in_octets = models.DecimalField(max_digits=20, decimal_places=0, null=True)
    out_octets = models.DecimalField(max_digits=20, decimal_places=0, null=True)

    class Meta:
        verbose_name = "janela de medição"
        verbose_name_plural = "janelas de medição"
        constraints = [
            models.CheckConstraint(
                condition=Q(echoes_received__lte=F("echoes_sent")),
                name="%(app_label)s_%(class)s_received_not_above_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id}/{self.path} {self.start:%d/%m/%Y %H:%M}"


class IrregularityReport(models.Model):
    """An irregularity an agency reports about one of its links (what happened, with files).
    It waits on the NOC's incident panel until an operator answers it."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="irregularities")
    description = models.TextField("o que aconteceu")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("informada em")
    status = models.CharField(
        "situação",
        max_length=10,
        choices=IrregularityStatus.choices,
        default=IrregularityStatus.OPEN,
    )
    answer = models.TextField("resposta do NOC", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("respondida em", null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = "irregularidade informada"
        verbose_name_plural = "irregularidades informadas"
        constraints = [
            models.CheckConstraint(
                condition=Q(status=IrregularityStatus.OPEN, answered_at__isnull=True)
                | Q(status=IrregularityStatus.ANSWERED, answered_at__isnull=False),
                name="%(app_label)s_%(class)s_answered_iff_answer_instant",
            )
        ]
        indexes = [
            models.Index(
                fields=["reported_at"],
                name="monitoring_open_irregularities",
                condition=Q(status=IrregularityStatus.OPEN),
            )
        ]

    def __str__(self) -> str:
        return f"Irregularidade {self.pk} ({self.link})"


class IrregularityAttachment(models.Model):
    """A file sent with an irregularity report (photo, PDF, text); type and size are checked by
    the service that stores it."""

    report = models.ForeignKey(
        IrregularityReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("arquivo", upload_to="irregularidades/%Y/%m/")
    name = models.CharField("nome", max_length=200)
    content_type = models.CharField("tipo", max_length=100)
    size = models.PositiveIntegerField("tamanho (bytes)")

    class Meta:
        verbose_name = "anexo da irregularidade"
        verbose_name_plural = "anexos da irregularidade"

    def __str__(self) -> str:
        return self.name


class IncidentNote(models.Model):
    """An operator's acknowledgement of, or comment on, an item of the incident panel: an open
    outage, a lost redundancy or an irregularity report (exactly one of them). An item is
    acknowledged once; comments are many. Never edited."""

    outage = models.ForeignKey(
        Outage, null=True, blank=True, on_delete=models.CASCADE, related_name="panel_notes"
    )
    redundancy_loss = models.ForeignKey(
        RedundancyLoss, null=True, blank=True, on_delete=models.CASCADE, related_name="panel_notes"
    )
    irregularity = models.ForeignKey(
        IrregularityReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="panel_notes",
    )
    acknowledgement = models.BooleanField("reconhecimento", default=False)
    text = models.TextField("comentário", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "anotação do painel"
        verbose_name_plural = "anotações do painel"
        constraints = [
            models.CheckConstraint(
                condition=Q(outage__isnull=False, redundancy_loss=None, irregularity=None)
                | Q(outage=None, redundancy_loss__isnull=False, irregularity=None)
                | Q(outage=None, redundancy_loss=None, irregularity__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(acknowledgement=True) | ~Q(text=""),
                name="%(app_label)s_%(class)s_comment_has_text",
            ),
            *(
                models.UniqueConstraint(
                    fields=[subject],
                    condition=Q(acknowledgement=True),
                    name=f"%(app_label)s_%(class)s_one_acknowledgement_per_{subject}",
                )
                for subject in ("outage", "redundancy_loss", "irregularity")
            ),
        ]

    def __str__(self) -> str:
        return f"{'Reconhecimento' if self.acknowledgement else 'Comentário'} {self.at:%d/%m/%Y}"


class OutageSubscription(models.Model):
    """An agency manager's wish to be e-mailed when a link of the agency goes down or loses its
    redundancy (an outbox e-mail written with the tickets' message, monitoring.services.tickets)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outage_subscription"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("assinada em")

    class Meta:
        verbose_name = "assinatura de avisos de indisponibilidade"
        verbose_name_plural = "assinaturas de avisos de indisponibilidade"

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"
