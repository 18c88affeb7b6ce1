"""Contract indicators (IMR, docs/domain.md section 6): their definitions per contract (versions in
force from a month on), the results of each closed month (final: stored when billing closes the
month, never recomputed), and the repeated breaches flagged from them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from core.history import audited
from core.money import DecimalDigits
from inventory.models import Carrier, Contract, Link, Lot
from orders.choices import OrderType
from sla.choices import BandBase, BandMeasure, BreachRule, FlagStatus, Formula, Scope

RATE: DecimalDigits = {"max_digits": 7, "decimal_places": 4}
MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}


@audited()
class IndicatorDefinition(models.Model):
    """One version of a contract's indicator, in force from `valid_from` (the first day of a
    month) until the next version of the same code. Billing staff change an indicator by adding
    a version from a month on; a version never reaches a month whose results are final. A
    contract without a version of a code uses the default (`sla.defaults`)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="indicators", verbose_name="contrato"
    )
    code = models.CharField("código", max_length=10, help_text="I1, I2 …")
    name = models.CharField("nome", max_length=120)
    purpose = models.TextField("finalidade")
    how_measured = models.TextField("forma de aferição")
    formula = models.CharField("fórmula", max_length=20, choices=Formula.choices)
    order_types = ArrayField(
        models.CharField(max_length=20, choices=OrderType.choices),
        default=list,
        blank=True,
        verbose_name="tipos de OS",
        help_text="só para a fórmula de OS no prazo",
    )
    scope = models.CharField("abrangência", max_length=10, choices=Scope.choices)
    target = models.DecimalField("meta (%)", **RATE, help_text="acesso simples, ou a única meta")
    target_redundant = models.DecimalField(
        "meta para acesso redundante (%)", **RATE, null=True, blank=True
    )
    breach_run = models.PositiveSmallIntegerField("reincidência: meses seguidos", default=3)
    breach_count = models.PositiveSmallIntegerField("reincidência: vezes", default=5)
    breach_months = models.PositiveSmallIntegerField("reincidência: em quantos meses", default=12)
    valid_from = models.DateField("vigente a partir de", help_text="primeiro dia de um mês")
    reason = models.TextField("motivo da alteração", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("registrada em")

    class Meta:
        ordering = ["contract", "code", "valid_from"]
        verbose_name = "definição de indicador"
        verbose_name_plural = "definições de indicadores"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code", "valid_from"], name="%(app_label)s_%(class)s_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__day=1), name="%(app_label)s_%(class)s_from_a_month"
            ),
            models.CheckConstraint(
                condition=Q(target__gt=0, target__lte=100)
                & (Q(target_redundant__isnull=True) | Q(target_redundant__gt=0))
                & Q(target_redundant__lte=100),
                name="%(app_label)s_%(class)s_targets",
            ),
            models.CheckConstraint(
                condition=Q(breach_run__gt=0, breach_count__gt=0, breach_months__gt=0),
                name="%(app_label)s_%(class)s_breach_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.contract}, desde {self.valid_from:%m/%Y})"


@audited()
class IndicatorBand(models.Model):
    """A payment adjustment band of a definition: `percentage` % of the base when the measure
    (the shortfall below the target in percentage points, or the counted minutes of the month)
    is in (lower, upper]; an empty upper means no limit."""

    definition = models.ForeignKey(
        IndicatorDefinition, on_delete=models.CASCADE, related_name="bands"
    )
    measure = models.CharField("medida", max_length=16, choices=BandMeasure.choices)
    lower = models.DecimalField("acima de", max_digits=9, decimal_places=4)
    upper = models.DecimalField("até (inclusive)", max_digits=9, decimal_places=4, null=True)
    percentage = models.DecimalField("glosa (%)", **RATE)
    base = models.CharField("base de cálculo", max_length=10, choices=BandBase.choices)

    class Meta:
        ordering = ["definition", "measure", "lower"]
        verbose_name = "faixa de ajuste"
        verbose_name_plural = "faixas de ajuste"
        constraints = [
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=F("lower")),
                name="%(app_label)s_%(class)s_upper_above_lower",
            ),
            models.CheckConstraint(
                condition=Q(lower__gte=0, percentage__gt=0, percentage__lte=100),
                name="%(app_label)s_%(class)s_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.code} > {self.lower}: {self.percentage}%"


class ImrMonth(models.Model):
    """A month whose IMR results are final: written in the transaction that closes the billing
    month, with its results, and never changed after (docs/domain.md section 5: a closed month's
    indicators are final)."""

    year = models.PositiveSmallIntegerField("ano")
    month = models.PositiveSmallIntegerField("mês")
    finalized_at = models.DateTimeField("resultados finais em")
    computed_at = models.DateTimeField("calculados em", help_text="o instante da medição")

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = "IMR de competência fechada"
        verbose_name_plural = "IMR de competências fechadas"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"], name="%(app_label)s_%(class)s_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="%(app_label)s_%(class)s_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


class IndicatorResult(models.Model):
    """A final result of an indicator in a month: per access (I1) or per carrier and lot
    (I2-I4). The value is the exact fraction numerator / denominator (available / active
    minutes, or on time / counted); a zero denominator is "not applicable". Target and band
    are those of the definition used, kept as they were; `amount` is the adjustment in reais
    before the caps of the bill (the access's, or the lot's before its spread)."""

    month = models.ForeignKey(ImrMonth, on_delete=models.PROTECT, related_name="results")
    definition = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("indicador", max_length=10)
    scope = models.CharField("abrangência", max_length=10, choices=Scope.choices)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="+", help_text="o líder, num consórcio"
    )
    link = models.ForeignKey(
        Link, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    access_type = models.CharField("tipo de acesso", max_length=10, blank=True)
    numerator = models.BigIntegerField("numerador")
    denominator = models.BigIntegerField("denominador", help_text="0: não se aplica")
    target = models.DecimalField("meta (%)", **RATE)
    met = models.BooleanField("meta cumprida", null=True)
    band = models.DecimalField("faixa (%)", **RATE, null=True)
    base = models.DecimalField("base (R$)", **MONEY, null=True)
    amount = models.DecimalField("glosa (R$)", **MONEY, null=True)
    inputs = models.JSONField("memória de cálculo")

    class Meta:
        ordering = ["month", "code", "lot", "link"]
        verbose_name = "resultado de indicador"
        verbose_name_plural = "resultados de indicadores"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "code", "link"],
                condition=Q(link__isnull=False),
                name="%(app_label)s_%(class)s_one_per_access",
            ),
            models.UniqueConstraint(
                fields=["month", "code", "lot"],
                condition=Q(link__isnull=True),
                name="%(app_label)s_%(class)s_one_per_lot",
            ),
            models.CheckConstraint(
                condition=Q(numerator__gte=0, numerator__lte=F("denominator")),
                name="%(app_label)s_%(class)s_fraction",
            ),
            models.CheckConstraint(
                condition=Q(scope=Scope.ACCESS, link__isnull=False)
                | Q(scope=Scope.LOT, link__isnull=True),
                name="%(app_label)s_%(class)s_scope_matches",
            ),
        ]
        indexes = [models.Index(fields=["lot", "code"])]

    def __str__(self) -> str:
        return f"{self.month} {self.code} {self.link_id or self.lot_id}"


class LotMonth(models.Model):
    """A lot in a final month: its availability (sum of available over sum of active minutes of
    its accesses, judged against the simple-access target of I1, for repeated breaches) and
    what billing applied (amount due, discount and IMR adjustments of its lines)."""

    month = models.ForeignKey(ImrMonth, on_delete=models.PROTECT, related_name="lots")
    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="o indicador de disponibilidade (I1) cuja meta de acesso simples vale aqui",
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    accesses = models.PositiveIntegerField("acessos")
    available_minutes = models.BigIntegerField("minutos disponíveis")
    active_minutes = models.BigIntegerField("minutos ativos")
    target = models.DecimalField("meta (%)", **RATE)
    met = models.BooleanField("meta cumprida", null=True)
    amount_due = models.DecimalField("valor devido", **MONEY, default=0)
    discount = models.DecimalField("desconto por indisponibilidade", **MONEY, default=0)
    imr_adjustment = models.DecimalField("glosas aplicadas", **MONEY, default=0)

    class Meta:
        ordering = ["month", "lot"]
        verbose_name = "lote na competência"
        verbose_name_plural = "lotes na competência"
        constraints = [
            models.UniqueConstraint(fields=["month", "lot"], name="%(app_label)s_%(class)s_one"),
            models.CheckConstraint(
                condition=Q(available_minutes__gte=0, available_minutes__lte=F("active_minutes")),
                name="%(app_label)s_%(class)s_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.lot_id}"


@audited()
class BreachFlag(models.Model):
    """A repeated breach of one indicator by a lot's contractor (partial non-performance), with
    its evidence: the months missed and their results, kept as they were. It is offered to
    billing staff as a ready-made fine proceeding (`sla.selectors.proceeding_draft`), which they
    open (naming the proceeding) or dismiss with a reason."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="+", help_text="o líder, num consórcio"
    )
    code = models.CharField("indicador", max_length=10)
    rule = models.CharField("regra", max_length=10, choices=BreachRule.choices)
    last_month = models.ForeignKey(ImrMonth, on_delete=models.PROTECT, related_name="flags")
    months = ArrayField(models.CharField(max_length=7), verbose_name="meses descumpridos")
    evidence = models.JSONField("evidências")
    status = models.CharField(
        "situação", max_length=10, choices=FlagStatus.choices, default=FlagStatus.OFFERED
    )
    proceeding_reference = models.CharField("processo", max_length=60, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decidida em", null=True, blank=True)
    decision_reason = models.TextField("motivo", blank=True)
    created_at = models.DateTimeField("sinalizada em")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "reincidência"
        verbose_name_plural = "reincidências"
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "code", "last_month"], name="%(app_label)s_%(class)s_one_per_month"
            ),
            models.CheckConstraint(
                condition=~Q(status=FlagStatus.OPENED) | ~Q(proceeding_reference=""),
                name="%(app_label)s_%(class)s_opened_names_proceeding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} lote {self.lot_id} até {self.last_month}"
