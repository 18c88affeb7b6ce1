"""Evidence over time: each link's 5-minute poll windows (docs/monitoring.md)."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q

from inventory.models import Link

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
