"""The access policy: which rows each person sees, and which roles may take each action.

This module is the one place that decides visibility (docs/security.md). Every page, htmx
fragment, export, PDF, download, API endpoint and admin list reads its rows through
`restrict(queryset, user)` (or a selector built on it) and checks its role through `require`;
no view or selector writes a visibility condition of its own.

Rules are conditions over the model's own fields, written with field paths, so this module
imports no domain app (the apps import it). The carrier rule needs the link's revisions, read
through the app registry at call time.

The carrier rule. A carrier sees and acts on a link's rows (outages, tickets, disputes,
irregularity reports, statement lines) for the periods in which it is a member of the
contractor of the lot in force for that link: the link's own lot until a revision moves it to
another contract's lot, that lot from the revision's instant on. The old carrier keeps its
past, the new one gets the rest. A row belongs to the lot in force at its instant (an outage's
and a ticket's start, a report's instant); the link itself is seen by every carrier whose
tenure has begun. A consortium's members all see what its leader sees; the leader alone
receives tickets and orders (and answers them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import BigIntegerField, Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now
from django.db.models.lookups import In
from django.http import Http404
from django.utils import timezone

from redegov.roles import Role, has_role, user_roles

# -- Role sets, each defined once ---------------------------------------------------------------

# See every operational row of the network (links, outages, orders, bills).
NETWORK_WIDE = frozenset({Role.NOC, Role.BILLING, Role.COMMITTEE, Role.ADMIN})
# Operate the network: classify outages, decide disputes and windows, evaluate and verify orders.
NOC_STAFF = frozenset({Role.NOC, Role.ADMIN})
# Run the money: compute and close months, invoices, IMR definitions and flags, proceedings.
BILLING_STAFF = frozenset({Role.BILLING, Role.ADMIN})
# Read bills (statement lines, their rows through `line_rows`).
BILL_READERS = NETWORK_WIDE | {Role.AGENCY_MANAGER, Role.CARRIER}
# Read carrier invoices (a carrier its own) and upload them.
INVOICE_READERS = NETWORK_WIDE | {Role.CARRIER}
INVOICE_UPLOADERS = BILLING_STAFF | {Role.CARRIER}
# Read technical reports (an agency manager its agency's).
REPORT_READERS = NETWORK_WIDE | {Role.AGENCY_MANAGER}
# Read the billing summaries and the IMR's repeated-breach flags.
SUMMARY_READERS = frozenset({Role.BILLING, Role.COMMITTEE, Role.ADMIN})
# Read the IMR (a carrier its lots, an agency manager its accesses).
IMR_READERS = NETWORK_WIDE | {Role.AGENCY_MANAGER, Role.CARRIER}
# See every fine proceeding (a carrier sees those against its lots).
PROCEEDING_STAFF = frozenset({Role.BILLING, Role.LEGAL, Role.AUTHORITY, Role.COMMITTEE, Role.ADMIN})
PROCEEDING_READERS = PROCEEDING_STAFF | {Role.CARRIER}
# File service orders (unit staff draft for their unit).
ORDER_FILERS = frozenset({Role.AGENCY_MANAGER, Role.AGENCY_UNIT})
# Attest an agency's technical report (as its manager or substitute), report irregularities.
AGENCY_MANAGERS = frozenset({Role.AGENCY_MANAGER})
# Move a proceeding on as the contract's manager (notify, register, collect): billing staff, not
# admins; and decide it: the deciding authority. Either may cancel it early on.
BILLING_OFFICERS = frozenset({Role.BILLING})
AUTHORITIES = frozenset({Role.AUTHORITY})
PROCEEDING_CANCELLERS = BILLING_OFFICERS | AUTHORITIES
# Read everything and write nothing: the steering committee.
READ_ONLY = frozenset({Role.COMMITTEE})
# What a read-only person may still post (URL names): signing in and out, its own API tokens.
READ_ONLY_MAY_POST = frozenset(
    {"login", "logout", "api:token-list", "api:token-revoke"}
    # Their own second factor (enrolling, typing the code, new recovery codes) and leaving
    # every session (docs/users.md).
    | {"people:otp-setup", "people:otp-verify", "people:otp-recovery", "people:sessions-end"}
)
# Agency-side roles and carrier-side roles (users of these must be tied to an agency/carrier).
AGENCY_ROLES = frozenset({Role.AGENCY_MANAGER, Role.AGENCY_UNIT})
CARRIER_ROLES = frozenset({Role.CARRIER})
# Look after people: the pending invitations, resending and revoking them (docs/users.md).
PEOPLE_ADMINS = frozenset({Role.ADMIN})
# Must sign in with a second factor (TOTP) when SECOND_FACTOR_REQUIRED is on: those who close
# months, operate the network, decide proceedings or administer the portal (docs/users.md).
SECOND_FACTOR_ROLES = frozenset({Role.BILLING, Role.NOC, Role.AUTHORITY, Role.ADMIN})
# Who finds billing in the menu: the bills' readers but the NOC (bills are not its work,
# though it may read them).
BILLING_MENU = BILL_READERS - {Role.NOC}
# Who finds the technical reports: their readers but the NOC.
REPORTS_MENU = REPORT_READERS - {Role.NOC}
# Who finds the fine proceedings (carrier staff see those against their lots).
PENALTIES_MENU = PROCEEDING_STAFF | CARRIER_ROLES


def holds(user, roles: frozenset[str]) -> bool:
    """Whether the user holds one of `roles` (a role set of this module)."""
    return has_role(user, *roles)


def sees_whole_network(user) -> bool:
    return holds(user, NETWORK_WIDE)


def writes_refused(user, method: str, url_name: str | None) -> bool:
    """Whether this request is a write by a person whose roles are all read-only (the
    committee): refused everywhere, pages and API alike, whatever each view would say."""
    roles = user_roles(user)
    return (
        method not in ("GET", "HEAD", "OPTIONS")
        and bool(roles)
        and roles <= READ_ONLY
        and url_name not in READ_ONLY_MAY_POST
    )


def require(
    user, roles: frozenset[str], message: str = "Seu perfil não permite esta ação."
) -> None:
    """PermissionDenied (403) unless the user holds one of `roles`."""
    if not has_role(user, *roles):
        raise PermissionDenied(message)


# -- Building blocks of the row rules -----------------------------------------------------------

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def _at(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def carrier_lot_ids(user) -> QuerySet:
    """The lots of which the user's carrier is a member (a subquery of lot ids)."""
    member = apps.get_model("inventory", "LotMember")
    return member.objects.filter(carrier_id=user.carrier_id).values("lot_id")


def _is_carrier(user) -> bool:
    return has_role(user, Role.CARRIER) and user.carrier_id is not None


def lot_in_force(link: str, at: str | datetime):
    """The id of the lot in force for a link at an instant, as an expression over the rows of
    a queryset: `link` is the path from those rows to the link ("" for links themselves,
    "link__" for outages), `at` the path to the instant or an instant. The lot of the latest
    revision that moved the link to another contract, not after the instant, or else the
    link's own lot."""
    revision = apps.get_model("inventory", "LinkRevision")
    instant = OuterRef(at) if isinstance(at, str) else at
    moved = (
        revision.objects.filter(
            link_id=OuterRef(_at(link, "pk") if link else "pk"),
            lot__isnull=False,
            effective_at__lte=instant,
        )
        .order_by("-effective_at")
        .values("lot_id")[:1]
    )
    return Coalesce(Subquery(moved), F(_at(link, "lot_id")), output_field=BigIntegerField())


def _carrier_at(user, link: str, at: str | datetime) -> Q:
    """The lot in force at `at` is one of the carrier's. Most links never move to another
    contract, and theirs is their own lot (a hash lookup); the lot in force, one subquery per
    row, is looked up only for the links some revision moved (docs/benchmarks.md)."""
    revision = apps.get_model("inventory", "LinkRevision")
    link_id = _at(link, "pk") if link else "pk"
    moved = Q(**{f"{link_id}__in": revision.objects.filter(lot__isnull=False).values("link_id")})
    lots = carrier_lot_ids(user)
    own_lot = Q(**{f"{_at(link, 'lot_id')}__in": lots})
    return (~moved & own_lot) | (moved & Q(In(lot_in_force(link, at), lots)))


def _carrier_ever(user, link: str) -> Q:
    """A link whose tenure by the user's carrier has begun (its own lot, or a revision's lot
    in force by now)."""
    revision = apps.get_model("inventory", "LinkRevision")
    moved_in = revision.objects.filter(
        link_id=OuterRef(_at(link, "pk") if link else "pk"),
        effective_at__lte=Now(),  # the database's clock: the same SQL all day (redegov/filters.py)
        lot_id__in=carrier_lot_ids(user),
    )
    return Q(In(F(_at(link, "lot_id")), carrier_lot_ids(user))) | Q(Exists(moved_in))


def _agency_side(user, link: str) -> Q | None:
    """The agency manager's and unit staff's condition on rows reached through `link`."""
    if has_role(user, Role.AGENCY_MANAGER) and user.agency_id:
        return Q(**{_at(link, "agency_id"): user.agency_id})
    if has_role(user, Role.AGENCY_UNIT) and user.unit_id:
        return Q(**{_at(link, "unit_id"): user.unit_id})
    return None


# -- Row rules, one per model a person can reach -------------------------------------------------


def link_rows(user, link: str = "") -> Q:
    """Links (reached through `link`, e.g. "link__"): the whole network for NETWORK_WIDE, the
    agency's or the unit's for agency staff, those of the carrier's tenures for carriers."""
    if sees_whole_network(user):
        return EVERYTHING
    agency = _agency_side(user, link)
    if agency is not None:
        return agency
    if _is_carrier(user):
        return _carrier_ever(user, link)
    return NOTHING


def link_rows_scope(user) -> str:
    """A name for the rows `link_rows` and `link_rows_at` give this user: two users with the
    same name see the same rows (a cache of such rows is keyed by it, never by a person)."""
    if sees_whole_network(user):
        return "network"
    if has_role(user, Role.AGENCY_MANAGER) and user.agency_id:
        return f"agency:{user.agency_id}"
    if has_role(user, Role.AGENCY_UNIT) and user.unit_id:
        return f"unit:{user.unit_id}"
    if _is_carrier(user):
        return f"carrier:{user.carrier_id}"
    return "none"


def link_rows_at(user, link: str, at: str) -> Q:
    """Rows of a link at an instant (outages, tickets, lost redundancies, irregularity
    reports): the link rule, with a carrier's share cut at the lot in force at `at`."""
    if _is_carrier(user) and not sees_whole_network(user):
        return _carrier_at(user, link, at)
    return link_rows(user, link)


def order_rows(user) -> Q:
    """Orders: the agency's (the unit's for unit staff); a carrier's, those dispatched to a lot
    it is a member of (drafts never leave the agency)."""
    if sees_whole_network(user):
        return EVERYTHING
    agency = _agency_side(user, "")
    if agency is not None:
        return agency
    if _is_carrier(user):
        return Q(lot_id__in=carrier_lot_ids(user), dispatched_at__isnull=False)
    return NOTHING


def line_rows(user, line: str = "") -> Q:
    """Statement lines: the agency manager's agency, a carrier's lots (the lot the line was
    billed in: the lot in force in its month); unit staff, legal counsel and the authority see
    no bills."""
    if sees_whole_network(user):
        return EVERYTHING
    if has_role(user, Role.AGENCY_MANAGER) and user.agency_id:
        return Q(**{_at(line, "agency_id"): user.agency_id})
    if _is_carrier(user):
        return Q(**{_at(line, "lot_id__in"): carrier_lot_ids(user)})
    return NOTHING


def invoice_rows(user, invoice: str = "") -> Q:
    """Carrier invoices: every one for NETWORK_WIDE, a carrier its own, nobody else any."""
    if sees_whole_network(user):
        return EVERYTHING
    if _is_carrier(user):
        return Q(**{_at(invoice, "carrier_id"): user.carrier_id})
    return NOTHING


def proceeding_rows(user, proceeding: str = "") -> Q:
    """Fine proceedings: every one for PROCEEDING_STAFF; a carrier, those against a lot it is a
    member of (a consortium answers as a whole)."""
    if has_role(user, *PROCEEDING_STAFF):
        return EVERYTHING
    if _is_carrier(user):
        return Q(**{_at(proceeding, "lot_id__in"): carrier_lot_ids(user)})
    return NOTHING


def maintenance_rows(user) -> Q:
    """Maintenance windows: every one for NETWORK_WIDE, a carrier's own for its staff."""
    if sees_whole_network(user):
        return EVERYTHING
    if _is_carrier(user):
        return Q(carrier_id=user.carrier_id)
    return NOTHING


def report_agency_rows(user) -> Q:
    """Agencies whose technical reports the user may open: all for NETWORK_WIDE, its own for
    an agency manager, none for anyone else."""
    if sees_whole_network(user):
        return EVERYTHING
    if has_role(user, Role.AGENCY_MANAGER) and user.agency_id:
        return Q(pk=user.agency_id)
    return NOTHING


def lot_rows(user) -> Q:
    """Lots whose results (IMR, order compliance) the user may read: all for NETWORK_WIDE, the
    lots a carrier is a member of."""
    if sees_whole_network(user):
        return EVERYTHING
    if _is_carrier(user):
        return Q(pk__in=carrier_lot_ids(user))
    return NOTHING


def own_rows(user, owner: str = "user") -> Q:
    """Rows that belong to the user (API tokens, a person's own jobs)."""
    return Q(**{f"{owner}_id": user.pk})


def summary_rows(user) -> Q:
    return EVERYTHING if has_role(user, *SUMMARY_READERS) else NOTHING


def staff_rows(roles: frozenset[str]) -> Callable[[object], Q]:
    def rule(user) -> Q:
        return EVERYTHING if has_role(user, *roles) else NOTHING

    return rule


# The rule of every model a person can reach, by its label. `restrict` finds it here; a model
# missing from this table is visible to nobody (tests/security/test_access_policy.py lists
# every model the pages and the API serve and checks it is here).
RULES: dict[str, Callable[[object], Q]] = {
    "inventory.link": link_rows,
    "inventory.linkrevision": lambda user: link_rows(user, "link__"),
    "monitoring.outage": lambda user: link_rows_at(user, "link__", "start"),
    "monitoring.redundancyloss": lambda user: link_rows_at(user, "link__", "start"),
    "monitoring.ticket": lambda user: link_rows_at(user, "link__", "start"),
    "monitoring.irregularityreport": lambda user: link_rows_at(user, "link__", "reported_at"),
    "monitoring.dispute": lambda user: link_rows_at(user, "outage__link__", "outage__start"),
    "monitoring.maintenancewindow": maintenance_rows,
    "orders.order": order_rows,
    "billing.statementline": line_rows,
    "billing.periodjob": staff_rows(BILLING_STAFF),
    "invoices.carrierinvoice": invoice_rows,
    "invoices.difference": lambda user: invoice_rows(user, "invoice__"),
    "penalties.proceeding": proceeding_rows,
    "penalties.document": lambda user: proceeding_rows(user, "proceeding__"),
    "penalties.proceedingevent": lambda user: proceeding_rows(user, "proceeding__"),
    "sla.breachflag": staff_rows(SUMMARY_READERS),
    "api.apitoken": own_rows,
}


def rows(user, model: type[Model]) -> Q:
    """The condition on `model`'s rows that `user` may see."""
    rule = RULES.get(model._meta.label_lower)
    if rule is None or not user.is_authenticated:
        return NOTHING
    return rule(user)


def restrict(queryset: QuerySet, user) -> QuerySet:
    """The rows of `queryset` that `user` may see (NetBox's `restrict`)."""
    condition = rows(user, queryset.model)
    return queryset if condition == EVERYTHING else queryset.filter(condition)


def get_for_user(queryset: QuerySet, user, message: str = "Não encontrado", **lookup):
    """The one row of `queryset` matching `lookup` that `user` may see, or Http404: a row
    that does not exist and a row of another tenant answer the same."""
    found = restrict(queryset, user).filter(**lookup).first()
    if found is None:
        raise Http404(message)
    return found


def sees(user, obj: Model) -> bool:
    """Whether `user` may see this one row."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def carrier_acts_on_link(user, link: str = "", at: str | datetime | None = None) -> Q:
    """Links (through `link`) on which the user's carrier acts at `at` (now by default): those
    whose lot in force then has the carrier as a member. Nothing for non-carriers."""
    if not _is_carrier(user):
        return NOTHING
    return _carrier_at(user, link, at or timezone.now())
