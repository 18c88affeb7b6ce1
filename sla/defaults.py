"""The default indicators I1-I4 of docs/domain.md section 6: what a contract uses until billing
staff change a definition (and what `sla.services.definitions_install_defaults` stores for it).
Pure data: the data migration imports it too."""

from decimal import Decimal
from typing import TypedDict

from orders.choices import OrderType
from sla.choices import BandBase, BandMeasure, Formula, Scope
from sla.rules import Band, Rule

D = Decimal
SHORTFALL = BandMeasure.SHORTFALL
MINUTES = BandMeasure.COUNTED_MINUTES


def _lot_bands() -> tuple[Band, ...]:
    """[80%, 90%) -> 10%; [70%, 80%) -> 20%; below 70% -> 30% of the carrier's amount due in the
    lot, written as shortfalls below the 90% target."""
    return (
        Band(SHORTFALL, D("0"), D("10"), D("10"), BandBase.LOT),
        Band(SHORTFALL, D("10"), D("20"), D("20"), BandBase.LOT),
        Band(SHORTFALL, D("20"), None, D("30"), BandBase.LOT),
    )


class BreachCounts(TypedDict):
    """The repeated-breach rule's figures, spread into each Rule as `**SANCTION`."""

    breach_run: int
    breach_count: int
    breach_months: int


SANCTION: BreachCounts = {"breach_run": 3, "breach_count": 5, "breach_months": 12}

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        code="I1",
        name="Disponibilidade do acesso",
        purpose="Garantir que cada acesso fique disponível ao órgão durante o mês.",
        how_measured=(
            "(minutos ativos - minutos indisponíveis descontados) / minutos ativos no mês, por "
            "acesso; indisponibilidades de responsabilidade da operadora ou em análise, "
            "interrupções e degradações, contadas como no desconto por indisponibilidade."
        ),
        formula=Formula.AVAILABILITY,
        order_types=(),
        scope=Scope.ACCESS,
        target=D("99.5"),
        target_redundant=D("99.7"),
        bands=(
            Band(SHORTFALL, D("0"), D("0.5"), D("5"), BandBase.ACCESS),
            Band(SHORTFALL, D("0.5"), D("1"), D("10"), BandBase.ACCESS),
            Band(SHORTFALL, D("1"), None, D("20"), BandBase.ACCESS),
            Band(MINUTES, D("1440"), None, D("30"), BandBase.ACCESS),
        ),
        **SANCTION,
    ),
    Rule(
        code="I2",
        name="Reparos no prazo",
        purpose="Garantir o restabelecimento dos acessos interrompidos dentro do prazo de reparo.",
        how_measured=(
            "Chamados de interrupção cuja indisponibilidade terminou dentro do prazo de reparo / "
            "chamados contados, por operadora e lote; só interrupções de responsabilidade da "
            "operadora ou em análise, cada chamado uma vez, no mês do que vier primeiro entre o "
            "restabelecimento e o prazo."
        ),
        formula=Formula.TICKETS_ON_TIME,
        order_types=(),
        scope=Scope.LOT,
        target=D("90"),
        target_redundant=None,
        bands=_lot_bands(),
        **SANCTION,
    ),
    Rule(
        code="I3",
        name="Ativações no prazo",
        purpose="Garantir a instalação de novos acessos dentro do prazo.",
        how_measured=(
            "Ativações e mudanças de endereço concluídas no prazo / contadas, por operadora e "
            "lote, no mês do que vier primeiro entre a conclusão verificada e o prazo; OS "
            "canceladas pelo órgão ou rejeitadas não contam."
        ),
        formula=Formula.ORDERS_ON_TIME,
        order_types=(OrderType.ACTIVATION, OrderType.ADDRESS_CHANGE),
        scope=Scope.LOT,
        target=D("90"),
        target_redundant=None,
        bands=_lot_bands(),
        **SANCTION,
    ),
    Rule(
        code="I4",
        name="Alterações e cancelamentos no prazo",
        purpose="Garantir alterações de velocidade e cancelamentos dentro do prazo.",
        how_measured=(
            "Alterações de velocidade e cancelamentos concluídos no prazo / contados, por "
            "operadora e lote, no mês do que vier primeiro entre a conclusão verificada e o "
            "prazo; OS canceladas pelo órgão ou rejeitadas não contam."
        ),
        formula=Formula.ORDERS_ON_TIME,
        order_types=(OrderType.SPEED_CHANGE, OrderType.CANCELLATION),
        scope=Scope.LOT,
        target=D("90"),
        target_redundant=None,
        bands=_lot_bands(),
        **SANCTION,
    ),
)
