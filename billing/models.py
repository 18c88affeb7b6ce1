"""The monthly bill (docs/domain.md section 5): one billing period per calendar month, one statement
line per link and month (split among a consortium's members), and corrections posted in open
months for changes that touch closed ones. A closed month never changes: its lines are frozen,
and the database refuses to alter them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.choices import ACTIVE_JOB_STATES, CorrectionKind, JobKind, JobState, PeriodStatus
from core.money import DecimalDigits
from inventory.models import Agency, Carrier, Contract, Link, Lot

MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}


class BillingSettings(models.Model):
    """A contract's billing settings. Without a row, the defaults apply."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="billing_settings"
    )
    fixed_divisor = models.BooleanField(
        "divisor fixo de 43.200 minutos",
        default=False,
        help_text="Desconto dividido por 43.200 (convenção da Anatel) em vez dos minutos do mês",
    )

    class Meta:
        verbose_name = "parâmetros de faturamento"
        verbose_name_plural = "parâmetros de faturamento"

    def __str__(self) -> str:
        return str(self.contract)


class BillingPeriod(models.Model):
    """A calendar month (competência) in America/Sao_Paulo: open while it is computed and
    reviewed, closed (frozen) once billing staff close it after it has ended."""

    year = models.PositiveSmallIntegerField("ano")
    month = models.PositiveSmallIntegerField("mês")
    status = models.CharField(
        "situação", max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    computed_at = models.DateTimeField("calculada em", null=True, blank=True)
    closed_at = models.DateTimeField("fechada em", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lines_digest = models.CharField(
        "resumo das linhas (SHA-256)",
        max_length=64,
        blank=True,
        help_text="billing.digest.lines_digest das linhas ao fechar; um backup restaurado o "
        "recalcula (manage.py verify_backup)",
    )

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = "competência"
        verbose_name_plural = "competências"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], name="%(app_label)s_%(class)s_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="%(app_label)s_%(class)s_month"
            ),
            models.CheckConstraint(
                condition=Q(status=PeriodStatus.OPEN) | Q(closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_has_instant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def label(self) -> str:
        """ "2026-10", as statements name a month."""
        return f"{self.year}-{self.month:02d}"

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED


class StatementLine(models.Model):
    """One link's bill for one month. Amounts are in reais, each rounded once (half-up); the
    inputs that produced them are kept in `inputs` (segments, minutes, outages, rule version)
    so that a line can be explained and recomputed."""

    # Lookups by period, agency, lot and carrier use the composite indexes below (a month's
    # 100 000 lines are written in one go: every redundant index slows that down).
    period = models.ForeignKey(
        BillingPeriod, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    # A link's lines are found by the (link, period) unique index.
    link = models.ForeignKey(
        Link, on_delete=models.PROTECT, related_name="statement_lines", db_index=False
    )
    # Agency, lot and carrier are copies, for lookups, of the link's agency, its lot at the
    # month's end and that lot's leader, read in the transaction that writes the line: the
    # database does not check them again row by row (100 000 checks each, a third of writing
    # a month). Deleting them is still refused (PROTECT), as their links and members are.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    carrier = models.ForeignKey(
        Carrier,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="o líder, num consórcio",
        db_index=False,
        db_constraint=False,
    )
    active_minutes = models.PositiveIntegerField("minutos ativos")
    outage_minutes = models.PositiveIntegerField("minutos indisponíveis descontados")
    amount_due = models.DecimalField("valor devido", **MONEY)
    discount = models.DecimalField("desconto por indisponibilidade", **MONEY)
    imr_adjustment = models.DecimalField("glosa (IMR)", **MONEY, default=0)
    fines = models.DecimalField("multas", **MONEY, default=0)
    corrections = models.DecimalField("correções", **MONEY, default=0)
    net = models.DecimalField("valor líquido", **MONEY)
    inputs = models.JSONField("memória de cálculo")

    class Meta:
        ordering = ["period", "link__circuit_id"]
        verbose_name = "linha do demonstrativo"
        verbose_name_plural = "linhas do demonstrativo"
        constraints = [
            models.UniqueConstraint(
                fields=["link", "period"], name="%(app_label)s_%(class)s_one_per_link_and_month"
            ),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0, discount__gte=0, imr_adjustment__gte=0, fines__gte=0)
                & Q(net__gte=0),
                name="%(app_label)s_%(class)s_amounts_not_negative",
            ),
        ]
        # No index by carrier: pages and statements find a carrier's lines by its lots (a
        # consortium member's too); only the invoice check reads them by carrier, once per
        # invoice, through the period's rows (about 0.1 s for a month of 100 000 lines).
        indexes = [
            models.Index(fields=["period", "agency"]),
            models.Index(fields=["period", "lot"]),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.link_id}"


class LineShare(models.Model):
    """A consortium member's part of a statement line (its share of every amount; its net is
    derived from its parts, never split on its own)."""

    # Looked up by line through the (line, carrier) unique index. Shares are written and
    # removed only with their lines, in the same transaction (billing.services._store and
    # _discard_lines): the database does not check the reference row by row (replacing a
    # month's lines ran 10^5 pointless checks that no share still named them).
    line = models.ForeignKey(
        StatementLine,
        on_delete=models.CASCADE,
        related_name="shares",
        db_index=False,
        db_constraint=False,
    )
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    share = models.DecimalField("participação (%)", max_digits=7, decimal_places=4)
    amount_due = models.DecimalField(**MONEY)
    discount = models.DecimalField(**MONEY)
    imr_adjustment = models.DecimalField(**MONEY)
    fines = models.DecimalField(**MONEY)
    corrections = models.DecimalField(**MONEY)
    net = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["line", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "carrier"], name="%(app_label)s_%(class)s_one_per_member"
            ),
            models.CheckConstraint(condition=Q(net__gte=0), name="%(app_label)s_%(class)s_net"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.carrier_id} {self.share}%"


class Correction(models.Model):
    """An amount posted on a link's line in an open month for a change that touches a closed
    month (positive: more to deduct from the carrier; negative: owed to the carrier), or the rest
    of a positive correction that the month could not absorb."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="corrections")
    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="corrections")
    corrects = models.ForeignKey(
        BillingPeriod,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        help_text="a competência corrigida",
    )
    kind = models.CharField(max_length=13, choices=CorrectionKind.choices)
    amount = models.DecimalField("valor", **MONEY)
    reason = models.TextField("motivo")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "link", "created_at"]
        verbose_name = "correção"
        verbose_name_plural = "correções"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="%(app_label)s_%(class)s_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.corrects} {self.amount}"


class PeriodJob(models.Model):
    """Computing or closing a month, or generating its technical reports, asked for in the
    portal and run by a Celery worker; its progress while it runs is in the cache
    (`billing.services.job_progress`), its outcome (and the file it made, if any) here.
    At most one job per month is queued or running at a time."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField("tarefa", max_length=7, choices=JobKind.choices)
    state = models.CharField(
        "situação", max_length=7, choices=JobState.choices, default=JobState.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("pedida em")
    started_at = models.DateTimeField("iniciada em", null=True, blank=True)
    finished_at = models.DateTimeField("terminada em", null=True, blank=True)
    message = models.TextField("resultado", blank=True)
    file = models.FileField(
        "arquivo",
        upload_to="tarefas/%Y/%m/",
        blank=True,
        help_text="o que a tarefa gerou (os relatórios técnicos em ZIP), em MEDIA_ROOT, "
        "entregue só pela página da tarefa",
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "tarefa de competência"
        verbose_name_plural = "tarefas de competência"
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(state__in=ACTIVE_JOB_STATES),
                name="%(app_label)s_%(class)s_one_active_per_month",
                violation_error_message="Já há uma tarefa em andamento para esta competência.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES
