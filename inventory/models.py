"""The network inventory (docs/domain.md section 2): who buys, who sells, under which contract, and
which links exist. Prices live in price items and a link's dated changes in link revisions, so
that billing can ask what was true at any instant."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.history import audited
from core.validators import validate_cnpj
from inventory.choices import AccessType, LinkStatus, Participation, Regime, Region
from inventory.querysets import LinkQuerySet

CNPJ_DIGITS = Q(cnpj__regex=r"^[0-9]{14}$")


class Municipality(models.Model):
    """A municipality of Minas Gerais, keyed by its IBGE code. `rmbh` marks the metropolitan
    region of Belo Horizonte, where prices and deadlines differ from the interior. Loaded from
    inventory/data/municipios_mg.csv (see SOURCE.md there for origin and license); their
    perimeters stay in the shipped GeoJSON, which the map reads (monitoring/maps.py)."""

    ibge_code = models.PositiveIntegerField("código IBGE", primary_key=True)
    name = models.CharField("nome", max_length=80)
    rmbh = models.BooleanField("RMBH", default=False)
    capital = models.BooleanField("capital", default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, help_text="graus, sede")
    longitude = models.DecimalField(max_digits=9, decimal_places=6, help_text="graus, sede")

    class Meta:
        ordering = ["name"]
        verbose_name = "município"
        verbose_name_plural = "municípios"
        constraints = [
            models.CheckConstraint(
                condition=Q(ibge_code__gte=3100000, ibge_code__lt=3200000),
                name="%(app_label)s_%(class)s_ibge_code_mg",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> str:
        return Region.METRO if self.rmbh else Region.INTERIOR


@audited()
class Carrier(models.Model):
    """A telecom carrier (operadora). Tickets and orders reach it through its channel."""

    code = models.SlugField("código", max_length=30, unique=True)
    name = models.CharField("nome", max_length=120)
    cnpj = models.CharField("CNPJ", max_length=14, unique=True, validators=[validate_cnpj])
    ticket_email = models.EmailField("e-mail de chamados", blank=True)
    ticket_webhook_url = models.URLField("webhook de chamados", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "operadora"
        verbose_name_plural = "operadoras"
        constraints = [
            models.CheckConstraint(condition=CNPJ_DIGITS, name="%(app_label)s_%(class)s_cnpj"),
        ]

    def __str__(self) -> str:
        return self.name


@audited()
class Agency(models.Model):
    """A state agency (órgão/entidade) whose units use links. Its manager (and substitute) named
    in the participation declaration approve orders and attest the monthly report."""

    code = models.SlugField("sigla", max_length=30, unique=True)
    name = models.CharField("nome", max_length=200)
    cnpj = models.CharField("CNPJ", max_length=14, unique=True, validators=[validate_cnpj])
    participation = models.CharField("participação", max_length=12, choices=Participation.choices)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="gestor titular",
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="gestor substituto",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "órgão / entidade"
        verbose_name_plural = "órgãos / entidades"
        constraints = [
            models.CheckConstraint(condition=CNPJ_DIGITS, name="%(app_label)s_%(class)s_cnpj"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


@audited()
class AgencyUnit(models.Model):
    """A site of an agency whose staff may draft service orders."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="units", verbose_name="órgão"
    )
    name = models.CharField("nome", max_length=200)
    address = models.CharField("endereço", max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="município",
    )

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = "unidade"
        verbose_name_plural = "unidades"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            # Target of the composite foreign key that keeps a link's unit in its agency.
            models.UniqueConstraint(
                fields=["id", "agency"], name="%(app_label)s_%(class)s_unique_id_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


@audited()
class Contract(models.Model):
    """The corporate contract (one per phase). Its legal regime selects the fine procedure, and
    the per-contract settings of docs/domain.md sections 3-7 hang from it."""

    number = models.CharField("número", max_length=40, unique=True)
    regime = models.CharField("regime legal", max_length=5, choices=Regime.choices)
    start_date = models.DateField("início da vigência")
    end_date = models.DateField("fim da vigência")
    value = models.DecimalField("valor global (R$)", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "contrato"
        verbose_name_plural = "contratos"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="%(app_label)s_%(class)s_term"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="%(app_label)s_%(class)s_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number


@audited()
class Lot(models.Model):
    """A regional lot of a contract, awarded to one carrier or to a consortium (its members,
    whose shares sum to 100%, the first being the leader who receives tickets and orders)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="lots", verbose_name="contrato"
    )
    number = models.PositiveSmallIntegerField("número")
    name = models.CharField("nome", max_length=120)
    carriers = models.ManyToManyField(Carrier, through="LotMember", related_name="lots")
    municipalities = models.ManyToManyField(
        Municipality, through="LotMunicipality", related_name="lots"
    )

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = "lote"
        verbose_name_plural = "lotes"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            # Target of the composite foreign keys that keep rows of a lot in its contract.
            models.UniqueConstraint(
                fields=["id", "contract"], name="%(app_label)s_%(class)s_unique_id_contract"
            ),
        ]

    def __str__(self) -> str:
        return f"Lote {self.number} - {self.name}"


@audited()
class LotMember(models.Model):
    """A carrier of the lot's contractor with its share in percent; position 0 is the leader."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="members")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="lot_memberships")
    share = models.DecimalField("participação (%)", max_digits=7, decimal_places=4)
    position = models.PositiveSmallIntegerField("ordem", help_text="0 = líder do consórcio")

    class Meta:
        ordering = ["lot", "position"]
        verbose_name = "membro do lote"
        verbose_name_plural = "membros do lote"
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "carrier"], name="%(app_label)s_%(class)s_unique_carrier"
            ),
            models.UniqueConstraint(
                fields=["lot", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100), name="%(app_label)s_%(class)s_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} ({self.share}%)"


@audited()
class LotMunicipality(models.Model):
    """A municipality covered by a lot. Within one contract a municipality is in one lot only."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="coverage")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "município do lote"
        verbose_name_plural = "municípios do lote"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "municipality"],
                name="%(app_label)s_%(class)s_one_lot_per_contract",
            ),
            # Target of the composite foreign key that keeps a link's municipality in its lot.
            models.UniqueConstraint(
                fields=["lot", "municipality"], name="%(app_label)s_%(class)s_unique_lot_mun"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} / {self.municipality_id}"


@audited()
class PriceItem(models.Model):
    """The monthly price of one kind of access in a lot, in force from `valid_from` (00:00 local)
    until the next item of the same kind. An amendment adds an item; none is ever edited away."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="prices")
    speed_mbps = models.PositiveIntegerField("velocidade (Mbps)")
    region = models.CharField("região", max_length=10, choices=Region.choices)
    access_type = models.CharField("tipo de acesso", max_length=10, choices=AccessType.choices)
    monthly_price = models.DecimalField("preço mensal (R$)", max_digits=14, decimal_places=2)
    valid_from = models.DateField("vigente desde")

    class Meta:
        ordering = ["lot", "speed_mbps", "region", "access_type", "valid_from"]
        verbose_name = "item de preço"
        verbose_name_plural = "itens de preço"
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "speed_mbps", "region", "access_type", "valid_from"],
                name="%(app_label)s_%(class)s_unique_item",
            ),
            models.CheckConstraint(
                condition=Q(monthly_price__gt=0), name="%(app_label)s_%(class)s_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(speed_mbps__gt=0), name="%(app_label)s_%(class)s_speed_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot} {self.speed_mbps} Mbps {self.region} {self.access_type}"


@audited()
class Link(models.Model):
    """A data link (acesso) identified by its circuit id (designação). Its municipality fixes its
    lot, and the lot its carrier. Speed, address and contract hold the values at activation;
    later changes are LinkRevisions, so that what was true at any instant can be asked
    (`inventory.selectors.link_states`). Prices are never stored here: they come from price items.
    """

    circuit_id = models.CharField("designação", max_length=40, unique=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="links")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="links")
    unit = models.ForeignKey(
        AgencyUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="links")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="links")
    address = models.CharField("endereço", max_length=300)
    speed_mbps = models.PositiveIntegerField("velocidade (Mbps)", help_text="na ativação")
    access_type = models.CharField("tipo de acesso", max_length=10, choices=AccessType.choices)
    status = models.CharField(
        "situação", max_length=10, choices=LinkStatus.choices, default=LinkStatus.ORDERED
    )
    activated_at = models.DateTimeField("ativado em", null=True, blank=True)
    cancelled_at = models.DateTimeField("cancelado em", null=True, blank=True)
    mgmt_ip = models.GenericIPAddressField("IP de gerência")
    mgmt_ip_secondary = models.GenericIPAddressField(
        "IP de gerência (2º caminho)", null=True, blank=True, help_text="acesso redundante"
    )
    snmp_community = models.CharField("comunidade SNMP", max_length=64, default="public")
    snmp_port = models.PositiveIntegerField("porta SNMP", default=161)
    if_index = models.PositiveIntegerField("ifIndex da interface WAN", default=1)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["circuit_id"]
        verbose_name = "acesso"
        verbose_name_plural = "acessos"
        constraints = [
            models.CheckConstraint(
                condition=Q(speed_mbps__gt=0), name="%(app_label)s_%(class)s_speed_positive"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True)
                | Q(activated_at__isnull=True)
                | Q(cancelled_at__gt=F("activated_at")),
                name="%(app_label)s_%(class)s_cancelled_after_activated",
            ),
            models.CheckConstraint(
                condition=(Q(status=LinkStatus.ORDERED) & Q(activated_at__isnull=True))
                | (Q(status=LinkStatus.ACTIVE) & Q(activated_at__isnull=False))
                | (Q(status=LinkStatus.CANCELLED) & Q(cancelled_at__isnull=False)),
                name="%(app_label)s_%(class)s_status_matches_instants",
            ),
            models.CheckConstraint(
                condition=Q(access_type=AccessType.SIMPLE, mgmt_ip_secondary__isnull=True)
                | Q(access_type=AccessType.REDUNDANT, mgmt_ip_secondary__isnull=False),
                name="%(app_label)s_%(class)s_second_path_iff_redundant",
            ),
            models.UniqueConstraint(
                fields=["mgmt_ip"],
                condition=~Q(status=LinkStatus.CANCELLED),
                name="%(app_label)s_%(class)s_unique_live_mgmt_ip",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["lot", "status"]),
            models.Index(fields=["municipality"]),
        ]

    def __str__(self) -> str:
        return self.circuit_id


@audited()
class LinkRevision(models.Model):
    """A dated change of a link: a new speed (speed change), a corrected address record, or a
    move to another contract's price table (a new phase). Empty fields are unchanged."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="revisions")
    effective_at = models.DateTimeField("vigente desde")
    speed_mbps = models.PositiveIntegerField("velocidade (Mbps)", null=True, blank=True)
    address = models.CharField("endereço", max_length=300, blank=True)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="o lote do novo contrato que cobre o município",
    )

    class Meta:
        ordering = ["link", "effective_at"]
        verbose_name = "alteração do acesso"
        verbose_name_plural = "alterações do acesso"
        constraints = [
            models.UniqueConstraint(
                fields=["link", "effective_at"], name="%(app_label)s_%(class)s_unique_instant"
            ),
            models.CheckConstraint(
                condition=Q(speed_mbps__isnull=False) | ~Q(address="") | Q(contract__isnull=False),
                name="%(app_label)s_%(class)s_changes_something",
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=True, lot__isnull=True)
                | Q(contract__isnull=False, lot__isnull=False),
                name="%(app_label)s_%(class)s_contract_with_lot",
            ),
            models.CheckConstraint(
                condition=Q(speed_mbps__isnull=True) | Q(speed_mbps__gt=0),
                name="%(app_label)s_%(class)s_speed_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link} @ {self.effective_at:%d/%m/%Y %H:%M}"
