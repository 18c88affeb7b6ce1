"""Outages and the monitoring state behind them (DOMAIN.md section 4).

PostgreSQL is the truth: every outage is a row, one timeline per link (no two outages of a link
overlap, whatever their kind or source), and the state machine's state is saved with the events
of the cycle that produced it, in one transaction, so that a restarted worker carries on exactly
where the last committed cycle left it."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from inventory.models import Contract, Link
from monitoring.choices import OutageKind, OutageSource, Responsibility
from redegov.history import audited


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


class BlindPeriod(models.Model):
    """Time when the NOC could not see the network (canaries down, or every carrier failing at
    once). It is cut out of every outage and counts as available."""

    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "período sem visibilidade"
        verbose_name_plural = "períodos sem visibilidade"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_no_overlap",
                expressions=[(TsTzRange("start", "end"), RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y %H:%M}"


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
    """A contract's monitoring settings (DOMAIN.md section 4 defaults). A contract without a row
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
    """The single row that says which cycle the state machine has processed last. Locked for
    the length of a cycle's transaction: one cycle at a time, each exactly once."""

    singleton = models.BooleanField(primary_key=True, default=True)
    last_cycle_id = models.BigIntegerField(null=True)
    network_state = models.JSONField(default=dict, help_text="blindness and recent blind periods")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=True), name="%(app_label)s_%(class)s_singleton"
            )
        ]

    def __str__(self) -> str:
        return f"ciclo {self.last_cycle_id}"


class LinkEngineState(models.Model):
    """The state machine's memory of one link (streaks, open windows), saved with each cycle."""

    link = models.OneToOneField(Link, on_delete=models.CASCADE, primary_key=True)
    state = models.JSONField()
    cycle_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.link_id} @ {self.cycle_id}"


class PathSample(models.Model):
    """The last poll of each path of a link: the evidence shown to people, and what verifies an
    ordered link (it answers ICMP) before it becomes active."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="samples")
    path = models.PositiveSmallIntegerField(default=0)
    cycle_id = models.BigIntegerField()
    sent = models.PositiveSmallIntegerField()
    received = models.PositiveSmallIntegerField()
    rtt_avg_us = models.PositiveIntegerField(null=True)
    last_reply_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "path"], name="%(app_label)s_%(class)s_one_per_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_id}/{self.path} {self.received}/{self.sent}"


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
