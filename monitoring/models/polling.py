"""The monitoring state behind the outages: poll shards and their lots, blind periods, canaries,
each contract's monitoring settings, the state machine's cursor and the cycles' tallies and
verdicts, SNMP samples.

The state machine's state is saved with the events of the cycle that produced it, in one
transaction, so that a restarted worker carries on exactly where the last committed cycle left
it."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q

from core.history import audited
from inventory.models import Contract, Link, Lot
from monitoring.models.outages import TsTzRange


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
    """A contract's monitoring settings (docs/domain.md section 4 defaults). A contract without a
    row uses the defaults."""

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
