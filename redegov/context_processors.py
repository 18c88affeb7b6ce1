from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from redegov.access import (
    BILL_READERS,
    CARRIER_ROLES,
    NOC_STAFF,
    PROCEEDING_STAFF,
    REPORT_READERS,
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


# Who finds billing in the menu: the bills' readers but the NOC (bills are not its work,
# though it may read them).
BILLING_MENU = BILL_READERS - {Role.NOC}
# Who finds the technical reports: their readers but the NOC.
REPORTS_MENU = REPORT_READERS - {Role.NOC}
# Who finds the fine proceedings (carrier staff see those against their lots).
PENALTIES_MENU = PROCEEDING_STAFF | CARRIER_ROLES


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu a user sees, decided by role (the server refuses the pages too)."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": [], "role_labels": []}
    match = request.resolver_match
    section = (match.namespace or match.url_name) if match else ""
    if section == "monitoring":  # one namespace, three menu entries: ticket, outage, maintenance
        section = f"monitoring:{match.url_name.split('-')[0]}"
    entries = [("Início", "home", "home")]
    if link_scope(user):
        entries.append(("Painel", "monitoring:panel", "monitoring:panel"))
        entries.append(("Acessos", "inventory:link-list", "inventory"))
        entries.append(("Indisponibilidades", "monitoring:outage-list", "monitoring:outage"))
        entries.append(("Chamados", "monitoring:ticket-list", "monitoring:ticket"))
        entries.append(("Ordens de serviço", "orders:order-list", "orders"))
    if link_scope(user) in ("network", "carrier"):
        entries.append(("Manutenções", "monitoring:maintenance-list", "monitoring:maintenance"))
    if holds(user, BILLING_MENU):
        entries.append(("Faturamento", "billing:period-list", "billing"))
        entries.append(("Indicadores (IMR)", "sla:result-list", "sla"))
    if holds(user, PENALTIES_MENU):
        entries.append(("Processos de multa", "penalties:proceeding-list", "penalties"))
    if holds(user, REPORTS_MENU):
        entries.append(("Relatórios técnicos", "reports:index", "reports"))
    if holds(user, NOC_STAFF):  # the outbox's dead letters (docs/operations.md, "Outbox")
        entries.append(("Mensagens não entregues", "outbox:dead-list", "outbox"))
    if user.is_staff:
        entries.append(("Administração", "admin:index", "admin"))
    return {
        "nav_items": [NavItem(label, reverse(url), section == key) for label, url, key in entries],
        "role_labels": [Role(role).label for role in sorted(user_roles(user))],
    }
