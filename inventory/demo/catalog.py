"""The fixed facts of the demo network: the phase-3 contract, its lots and carriers, the state
agencies and the words addresses are made of. Everything random lives in `inventory.demo.plan`.

Names of agencies are the real Minas Gerais ones; carriers are invented; every CNPJ is fake
(built by `cnpj_from_sequence`, valid check digits, no real company behind it).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.easter import easter

from inventory.choices import Participation, Regime

# The phase-3 bid (pregão of 23/03/2020, run by Seplag) predates Lei 14.133/2021; the article says
# the agencies' part ran under Lei 8.666/93 (the state companies' part under Lei 13.303/16), and
# the portal's users are agencies. Signed 01/12/2020 for 60 months (to 30/11/2025), the demo
# assumes amendments extended it to 30/11/2027 while phase 4 is bid, so that it is in force now.
CONTRACT_NUMBER = "CT-SEPLAG-003/2020"
CONTRACT_REGIME = Regime.LEI_8666
CONTRACT_START = date(2020, 12, 1)
CONTRACT_END = date(2027, 11, 30)
CONTRACT_VALUE = Decimal("96055953.00")

# Every generated instant falls before this day, so the data never depends on the day it is
# built (the same seed gives the same network in any year).
DEMO_AS_OF = date(2026, 11, 20)

# Monthly price of 1 Mbps in phase 3 (the article): metropolitan and interior.
PRICE_1_MBPS_METRO = Decimal("226.38")
PRICE_1_MBPS_INTERIOR = Decimal("255.89")

DEMO_PASSWORD = "demo"  # noqa: S105 - the published password of the demo users
PORTAL_URL = "http://127.0.0.1:8000/"

BELO_HORIZONTE = 3106200
CIDADE_ADMINISTRATIVA = "Rodovia Papa João Paulo II, 4001 - Serra Verde"


def cnpj_from_sequence(n: int) -> str:
    """A valid, fake CNPJ (head office, branch 0001) for a small sequence number.

    The root is n times a constant coprime with 10^8, so distinct numbers give distinct roots
    that do not look sequential."""
    base = f"{(n * 7_368_787 + 16_000_000) % 100_000_000:08d}0001"
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        remainder = sum(int(d) * w for d, w in zip(base, weights, strict=True)) % 11
        base += "0" if remainder < 2 else str(11 - remainder)
    return base


@dataclass(frozen=True)
class CarrierSpec:
    code: str
    name: str

    @property
    def ticket_email(self) -> str:
        return f"noc@{self.code}.example"


CARRIERS = (
    CarrierSpec("mgtel", "MGTel Telecomunicações S.A."),
    CarrierSpec("alterosa", "Alterosa Fibra Ltda."),
    CarrierSpec("cerrado", "Cerrado Conecta Telecom S.A."),
    CarrierSpec("mantiqueira", "Mantiqueira Redes e Serviços Ltda."),
    CarrierSpec("veredas", "Veredas Telecom Ltda."),
    CarrierSpec("valedigital", "Vale Digital Comunicações S.A."),
)


@dataclass(frozen=True)
class LotSpec:
    """A lot: its members (carrier code, share %; the first is the leader) and, for interior
    lots, the anchor cities (IBGE codes) whose nearest municipalities it covers."""

    number: int
    name: str
    members: tuple[tuple[str, str], ...]
    anchors: tuple[int, ...] = ()


# Lot 1 is the RMBH (the municipalities flagged rmbh); lots 2-9 split the interior among the
# state's regions: each interior municipality goes to the lot of its nearest anchor city.
LOTS = (
    LotSpec(1, "RMBH", (("mgtel", "60"), ("alterosa", "40"))),
    LotSpec(
        2,
        "Central e Campo das Vertentes",
        (("alterosa", "100"),),
        # Curvelo, Sete Lagoas, Conselheiro Lafaiete, São João del Rei, Barbacena, Itabira
        (3120904, 3167202, 3118304, 3162500, 3105608, 3131703),
    ),
    LotSpec(
        3,
        "Zona da Mata",
        (("mgtel", "100"),),
        # Juiz de Fora, Muriaé, Ubá, Viçosa, Ponte Nova, Cataguases
        (3136702, 3143906, 3169901, 3171303, 3152105, 3115300),
    ),
    LotSpec(
        4,
        "Sul de Minas",
        (("mantiqueira", "100"),),
        # Varginha, Pouso Alegre, Poços de Caldas, Itajubá, Lavras, Alfenas
        (3170701, 3152501, 3151800, 3132404, 3138203, 3101607),
    ),
    LotSpec(
        5,
        "Triângulo e Alto Paranaíba",
        (("cerrado", "100"),),
        # Uberlândia, Uberaba, Patos de Minas, Ituiutaba, Araxá, Frutal
        (3170206, 3170107, 3148004, 3134202, 3104007, 3127107),
    ),
    LotSpec(
        6,
        "Centro-Oeste",
        (("alterosa", "100"),),
        # Divinópolis, Formiga, Bom Despacho, Passos, Oliveira
        (3122306, 3126109, 3107406, 3147907, 3145604),
    ),
    LotSpec(
        7,
        "Norte e Noroeste",
        (("veredas", "100"),),
        # Montes Claros, Unaí, Januária, Pirapora, Paracatu, Janaúba
        (3143302, 3170404, 3135209, 3151206, 3147006, 3135100),
    ),
    LotSpec(
        8,
        "Jequitinhonha e Mucuri",
        (("veredas", "65"), ("valedigital", "35")),
        # Diamantina, Araçuaí, Teófilo Otoni, Almenara, Nanuque
        (3121605, 3103405, 3168606, 3101706, 3144300),
    ),
    LotSpec(
        9,
        "Vale do Rio Doce",
        (("valedigital", "100"),),
        # Governador Valadares, Ipatinga, Caratinga, Manhuaçu, Guanhães
        (3127701, 3131307, 3113404, 3139409, 3128006),
    ),
)

# Regional cities where the state keeps more sites: they are reached first and weigh more.
HUBS = (
    3118601,  # Contagem
    3106705,  # Betim
    3170206,  # Uberlândia
    3136702,  # Juiz de Fora
    3143302,  # Montes Claros
    3170107,  # Uberaba
    3127701,  # Governador Valadares
    3131307,  # Ipatinga
    3122306,  # Divinópolis
    3167202,  # Sete Lagoas
    3151800,  # Poços de Caldas
    3148004,  # Patos de Minas
    3152501,  # Pouso Alegre
    3168606,  # Teófilo Otoni
    3170701,  # Varginha
    3105608,  # Barbacena
    3118304,  # Conselheiro Lafaiete
    3103504,  # Araguari
    3131703,  # Itabira
    3147907,  # Passos
    3143906,  # Muriaé
    3134202,  # Ituiutaba
    3138203,  # Lavras
    3147006,  # Paracatu
    3170404,  # Unaí
    3121605,  # Diamantina
    3120904,  # Curvelo
    3135209,  # Januária
    3162500,  # São João del Rei
    3113404,  # Caratinga
)


@dataclass(frozen=True)
class AgencySpec:
    """A state agency: `weight` is its relative share of the links, `statewide` whether it has
    sites in the interior (otherwise only in the RMBH), `unit` the name pattern of its sites
    outside the capital ({m} = municipality)."""

    code: str
    name: str
    weight: int
    statewide: bool
    unit: str = "Unidade de {m}"
    participation: str = Participation.COMPULSORY


AGENCIES = (
    AgencySpec(
        "SEE",
        "Secretaria de Estado de Educação",
        18,
        True,
        "Superintendência Regional de Ensino de {m}",
    ),
    AgencySpec(
        "PMMG", "Polícia Militar de Minas Gerais", 14, True, "Companhia de Polícia Militar de {m}"
    ),
    AgencySpec(
        "PCMG", "Polícia Civil de Minas Gerais", 12, True, "Delegacia de Polícia Civil de {m}"
    ),
    AgencySpec(
        "SES", "Secretaria de Estado de Saúde", 8, True, "Superintendência Regional de Saúde de {m}"
    ),
    AgencySpec(
        "SEF", "Secretaria de Estado de Fazenda", 8, True, "Administração Fazendária de {m}"
    ),
    AgencySpec(
        "SEJUSP",
        "Secretaria de Estado de Justiça e Segurança Pública",
        8,
        True,
        "Unidade Prisional de {m}",
    ),
    AgencySpec("DETRAN-MG", "Departamento de Trânsito de Minas Gerais", 6, True, "Ciretran de {m}"),
    AgencySpec(
        "CBMMG",
        "Corpo de Bombeiros Militar de Minas Gerais",
        5,
        True,
        "Pelotão de Bombeiros de {m}",
    ),
    AgencySpec(
        "IMA", "Instituto Mineiro de Agropecuária", 4, True, "Escritório Seccional do IMA em {m}"
    ),
    AgencySpec(
        "IEF", "Instituto Estadual de Florestas", 3, True, "Escritório Regional do IEF em {m}"
    ),
    AgencySpec(
        "DER-MG",
        "Departamento de Estradas de Rodagem de Minas Gerais",
        3,
        True,
        "Coordenadoria Regional do DER em {m}",
    ),
    AgencySpec(
        "FHEMIG",
        "Fundação Hospitalar do Estado de Minas Gerais",
        3,
        True,
        "Hospital Regional de {m}",
    ),
    AgencySpec(
        "HEMOMINAS",
        "Fundação Centro de Hematologia e Hemoterapia de Minas Gerais",
        2,
        True,
        "Hemonúcleo de {m}",
    ),
    AgencySpec(
        "UEMG", "Universidade do Estado de Minas Gerais", 2, True, "Unidade Acadêmica de {m}"
    ),
    AgencySpec("UNIMONTES", "Universidade Estadual de Montes Claros", 1, True, "Campus de {m}"),
    AgencySpec(
        "JUCEMG",
        "Junta Comercial do Estado de Minas Gerais",
        2,
        True,
        "Escritório Regional da Jucemg em {m}",
    ),
    AgencySpec(
        "IPSEMG",
        "Instituto de Previdência dos Servidores do Estado de Minas Gerais",
        2,
        True,
        "Agência do Ipsemg em {m}",
    ),
    AgencySpec(
        "SEDESE",
        "Secretaria de Estado de Desenvolvimento Social",
        2,
        True,
        "Diretoria Regional de Desenvolvimento Social de {m}",
    ),
    AgencySpec(
        "SEMAD",
        "Secretaria de Estado de Meio Ambiente e Desenvolvimento Sustentável",
        2,
        True,
        "Superintendência Regional de Meio Ambiente de {m}",
    ),
    AgencySpec(
        "IGAM", "Instituto Mineiro de Gestão das Águas", 1, True, "Unidade Regional do Igam em {m}"
    ),
    AgencySpec(
        "FEAM", "Fundação Estadual do Meio Ambiente", 1, True, "Núcleo Regional da Feam em {m}"
    ),
    AgencySpec(
        "IPEM-MG",
        "Instituto de Metrologia e Qualidade do Estado de Minas Gerais",
        2,
        True,
        "Regional do Ipem em {m}",
    ),
    AgencySpec("AGE", "Advocacia-Geral do Estado", 1, True, "Advocacia Regional do Estado em {m}"),
    AgencySpec(
        "SEAPA",
        "Secretaria de Estado de Agricultura, Pecuária e Abastecimento",
        1,
        True,
        "Unidade Regional da Seapa em {m}",
    ),
    AgencySpec("SEPLAG", "Secretaria de Estado de Planejamento e Gestão", 2, False),
    AgencySpec("SEGOV", "Secretaria de Estado de Governo", 1, False),
    AgencySpec("CGE", "Controladoria-Geral do Estado", 1, False),
    AgencySpec("SEDE", "Secretaria de Estado de Desenvolvimento Econômico", 1, False),
    AgencySpec(
        "SEINFRA", "Secretaria de Estado de Infraestrutura, Mobilidade e Parcerias", 1, False
    ),
    AgencySpec("SECULT", "Secretaria de Estado de Cultura e Turismo", 1, False),
    AgencySpec(
        "IEPHA", "Instituto Estadual do Patrimônio Histórico e Artístico de Minas Gerais", 1, False
    ),
    AgencySpec("FUNED", "Fundação Ezequiel Dias", 1, False),
    AgencySpec("FJP", "Fundação João Pinheiro", 1, False),
    AgencySpec("FAPEMIG", "Fundação de Amparo à Pesquisa do Estado de Minas Gerais", 1, False),
    AgencySpec("UTRAMIG", "Fundação de Educação para o Trabalho de Minas Gerais", 1, False),
    AgencySpec(
        "ARSAE-MG",
        "Agência Reguladora de Serviços de Abastecimento de Água e de Esgotamento Sanitário",
        1,
        False,
    ),
    # A state company (sociedade de economia mista): joins the network by choice.
    AgencySpec(
        "PRODEMGE",
        "Companhia de Tecnologia da Informação do Estado de Minas Gerais",
        2,
        False,
        participation=Participation.OPTIONAL,
    ),
)

HEADQUARTERS_UNIT = "Sede - Cidade Administrativa"

STREETS = (
    "Rua Tiradentes",
    "Avenida Getúlio Vargas",
    "Rua Sete de Setembro",
    "Rua Quinze de Novembro",
    "Avenida Brasil",
    "Rua Santos Dumont",
    "Praça da Matriz",
    "Rua Padre Eustáquio",
    "Avenida Juscelino Kubitschek",
    "Rua Coronel Antônio Maia",
    "Rua Governador Valadares",
    "Avenida Minas Gerais",
    "Rua Doutor Raimundo Alves",
    "Rua São Paulo",
    "Avenida Presidente Vargas",
    "Rua Marechal Deodoro",
    "Rua Dom Pedro II",
    "Rua Benjamin Constant",
    "Avenida Francisco Sá",
    "Rua Joaquim Nabuco",
)
DISTRICTS = ("Centro", "Centro", "Centro", "São José", "Santa Maria", "Vila Nova", "Industrial")
BH_STREETS = (
    "Avenida Afonso Pena",
    "Avenida Amazonas",
    "Rua da Bahia",
    "Avenida do Contorno",
    "Rua dos Guajajaras",
    "Avenida Augusto de Lima",
    "Avenida Cristiano Machado",
    "Avenida Antônio Carlos",
    "Rua Espírito Santo",
    "Avenida Raja Gabaglia",
)
BH_DISTRICTS = ("Centro", "Funcionários", "Savassi", "Santa Efigênia", "Barro Preto", "Lourdes")


def optional_state_days(year: int) -> list[tuple[date, str]]:
    """The state's usual pontos facultativos of a year (decreed yearly; the demo adds them)."""
    ash_wednesday = easter(year) - timedelta(days=46)
    return [
        (ash_wednesday - timedelta(days=2), "Carnaval (segunda-feira)"),
        (ash_wednesday - timedelta(days=1), "Carnaval (terça-feira)"),
        (ash_wednesday, "Quarta-feira de Cinzas"),
        (date(year, 10, 28), "Dia do Servidor Público"),
        (date(year, 12, 24), "Véspera de Natal"),
        (date(year, 12, 31), "Véspera de Ano-Novo"),
    ]


HOLIDAY_YEARS = (2026, 2027)
