from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from redegov.access import (
    BILLING_MENU,
    NOC_STAFF,
    PENALTIES_MENU,
    REPORTS_MENU,
    holds,
    sees_whole_network,
)
from redegov.roles import Role, has_role, user_roles


def link_scope(user) -> str:
    """Which links a user's pages speak of: "network", "agency", "unit", "carrier", or "" for
    roles that see no links (the selectors decide the rows; this only picks the words)."""
    if sees_whole_network(user):
        return "network"
    for role, scope in (
        (Role.AGENCY_MANAGER, "agency"),
        (Role.AGENCY_UNIT, "unit"),
        (Role.CARRIER, "carrier"),
    ):
        if has_role(user, role):
            return scope
    return ""


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    """One entry of the header: a menu of items, or a plain link when it holds one item (so
    that up to twelve items fit one row at 1 024 px; templates/base.html)."""

    label: str
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def _menu_entries(user) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(group, [(label, url name, section)]) per role; empty groups are dropped later."""
    scope = link_scope(user)
    network = []
    if scope:
        network = [
            ("Painel de incidentes", "monitoring:panel", "monitoring:panel"),
            ("Acessos", "inventory:link-list", "inventory"),
            ("Indisponibilidades", "monitoring:outage-list", "monitoring:outage"),
            ("Chamados", "monitoring:ticket-list", "monitoring:ticket"),
            ("Irregularidades", "monitoring:irregularity-list", "monitoring:irregularity"),
        ]
    if scope in ("network", "carrier"):
        network.append(("Manutenções", "monitoring:maintenance-list", "monitoring:maintenance"))
    billing = []
    if holds(user, BILLING_MENU):
        billing.append(("Competências", "billing:period-list", "billing"))
        billing.append(("Indicadores (IMR)", "sla:result-list", "sla"))
    if holds(user, REPORTS_MENU):
        billing.append(("Relatórios técnicos", "reports:index", "reports"))
    admin = []
    if holds(user, NOC_STAFF):  # the outbox's dead letters (docs/operations.md, "Outbox")
        admin.append(("Mensagens não entregues", "outbox:dead-list", "outbox"))
    if user.is_staff:
        admin.append(("Administração do sistema", "admin:index", "admin"))
    return [
        ("Início", [("Início", "home", "home")]),
        ("Rede", network),
        ("Pedidos", [("Ordens de serviço", "orders:order-list", "orders")] if scope else []),
        ("Faturamento", billing),
        (
            "Penalidades",
            [("Processos de multa", "penalties:proceeding-list", "penalties")]
            if holds(user, PENALTIES_MENU)
            else [],
        ),
        ("Administração", admin),
    ]


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees, decided by role (the server refuses the pages too)."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_groups": [], "role_labels": []}
    match = request.resolver_match
    section = (match.namespace or match.url_name) if match else ""
    if section == "monitoring":  # one namespace, menu entries by the name's first word
        section = f"monitoring:{match.url_name.split('-')[0]}"
    groups = [
        NavGroup(group, [NavItem(label, reverse(url), section == key) for label, url, key in rows])
        for group, rows in _menu_entries(user)
        if rows
    ]
    return {
        "nav_groups": groups,
        "role_labels": [Role(role).label for role in sorted(user_roles(user))],
    }
