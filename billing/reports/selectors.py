"""Reads of the technical reports: whose reports a user may open, an agency's report of a month
(its lines, totals per carrier, the rules applied, its corrections), the digest of its figures
and where its attestation stands.

An agency's report of a month is issued when the month closes (docs/domain.md section 5, "Month
closing"); before that the same page is a preview of the current computation. Its figures never
change once the month is closed, but corrections posted later against the month (an outage's
responsibility decided, a price dated back) belong to it too: they enter its digest, so that an
attestation made before them shows as outdated."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import groupby

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import CharField, Count, F, Func, QuerySet, TextField, Value
from django.http import Http404

from billing.arithmetic import rule_name
from billing.choices import JobKind, JobState, PeriodStatus
from billing.computation import month_minutes
from billing.models import BillingPeriod, Correction, PeriodJob, StatementLine
from billing.reports.choices import AttestationStatus, Capacity
from billing.reports.models import Attestation
from billing.selectors import AMOUNTS, SUMS, member_sums, sums_by, totals
from inventory.models import Agency, Carrier, Contract, Lot
from redegov.access import AGENCY_MANAGERS, holds, report_agency_rows, sees_whole_network


def report_agency_list(*, user) -> QuerySet[Agency]:
    """The agencies whose reports the user may open: all of them for the network-wide roles
    (billing staff, committee, NOC, admin), its own for an agency manager (titular or
    substitute), none for anyone else (carriers, unit staff)."""
    return Agency.objects.filter(report_agency_rows(user))


def report_agency_get_for_user(*, user, code: str) -> Agency:
    agency = report_agency_list(user=user).filter(code=code).first()
    if agency is None:
        raise Http404("Órgão não encontrado")
    return agency


def attest_capacity(user, agency: Agency) -> Capacity | None:
    """In which capacity `user` may attest `agency`'s reports: as the manager or the substitute
    named in the agency's participation declaration (Agency.manager / substitute), holding the
    agency manager role; None for everyone else."""
    if not holds(user, AGENCY_MANAGERS):
        return None
    if user.pk == agency.manager_id:
        return Capacity.TITULAR
    if user.pk == agency.substitute_id:
        return Capacity.SUBSTITUTE
    return None


# -- The digest of a report's figures -----------------------------------------------------------


class _Fields(Func):
    """The fields as one text, separated by "|" (numbers as PostgreSQL writes them: 905.52)."""

    function = "CONCAT_WS"
    output_field = TextField()

    def __init__(self, *fields: str) -> None:
        super().__init__(Value("|"), *fields)


class _Sha256(Func):
    """SHA-256 of a text, in hexadecimal (PostgreSQL's own sha256: no extension needed)."""

    template = "encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')"
    output_field = CharField()


def _grouped_hashes(rows: QuerySet, group: tuple[str, str], text: Func, order: tuple) -> dict:
    return {
        (row["g0"], row["g1"]): row["hash"]
        for row in rows.order_by()
        .values(g0=F(group[0]), g1=F(group[1]))
        .annotate(hash=_Sha256(StringAgg(text, ";", order_by=order)))
    }


def report_digests(
    *, periods: Iterable[BillingPeriod], agency_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], str]:
    """The digest of each (period id, agency id) report with lines: SHA-256 over every line's
    figures (circuit id, counted minutes and the six amounts, in circuit order) and over the
    corrections posted in later months against the month on the agency's links. Two grouped
    queries, whatever the number of reports; an unchanged report keeps its digest."""
    period_ids = [period.pk for period in periods]
    lines = StatementLine.objects.filter(period_id__in=period_ids)
    corrections = Correction.objects.filter(corrects_id__in=period_ids)
    if agency_ids is not None:
        lines = lines.filter(agency_id__in=list(agency_ids))
        corrections = corrections.filter(link__agency_id__in=list(agency_ids))
    line_hashes = _grouped_hashes(
        lines,
        ("period_id", "agency_id"),
        _Fields("link__circuit_id", "outage_minutes", *AMOUNTS),
        ("link__circuit_id",),
    )
    correction_hashes = _grouped_hashes(
        corrections,
        ("corrects_id", "link__agency_id"),
        _Fields("link__circuit_id", "period__year", "period__month", "kind", "amount", "reason"),
        ("link__circuit_id", "created_at", "pk"),
    )
    return {
        key: hashlib.sha256(f"{line_hash}:{correction_hashes.get(key, '')}".encode()).hexdigest()
        for key, line_hash in line_hashes.items()
    }


# -- Attestation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttestationState:
    """Where an agency's report of a month stands: the digest of its figures now, the
    attestation of those figures (None when there is none) and every attestation, latest
    first."""

    status: str  # AttestationStatus
    digest: str
    current: Attestation | None
    history: list[Attestation]

    @property
    def label(self) -> str:
        return AttestationStatus(self.status).label

    @property
    def attestable(self) -> bool:
        """A closed month's report not attested as it stands."""
        return self.status in (AttestationStatus.PENDING, AttestationStatus.OUTDATED)


def attestation_states(
    *, periods: Iterable[BillingPeriod], agency_ids: Iterable[int]
) -> dict[tuple[int, int], AttestationState]:
    """The state of each agency's report of each month, by (period id, agency id), in three
    queries (an agency without lines in a month has an empty digest)."""
    periods, agency_ids = list(periods), list(agency_ids)
    digests = report_digests(periods=periods, agency_ids=agency_ids)
    history: dict[tuple[int, int], list[Attestation]] = defaultdict(list)
    for attestation in Attestation.objects.filter(
        period__in=periods, agency_id__in=agency_ids
    ).select_related("attested_by"):
        history[(attestation.period_id, attestation.agency_id)].append(attestation)
    return {
        (p.pk, a): _state(p, digests.get((p.pk, a), ""), history[(p.pk, a)])
        for p in periods
        for a in agency_ids
    }


def _state(period: BillingPeriod, digest: str, history: list[Attestation]) -> AttestationState:
    current = next((a for a in history if a.digest == digest), None)
    if not period.is_closed:
        status = AttestationStatus.OPEN
    elif current is not None:
        status = AttestationStatus.ATTESTED
    elif history:
        status = AttestationStatus.OUTDATED
    else:
        status = AttestationStatus.PENDING
    return AttestationState(status, digest, current, history)


@dataclass(frozen=True)
class PendingReport:
    period: BillingPeriod
    agency: Agency
    state: AttestationState


def report_pending_list(*, user) -> list[PendingReport]:
    """The closed months whose report of the user's agency waits for the user's attestation
    (never attested, or attested before its figures changed), latest first; empty for users
    who may not attest."""
    agency = Agency.objects.filter(pk=user.agency_id).first() if user.agency_id else None
    if agency is None or attest_capacity(user, agency) is None:
        return []
    periods = BillingPeriod.objects.filter(
        status=PeriodStatus.CLOSED,
        pk__in=StatementLine.objects.filter(agency=agency).values("period"),
    ).order_by("-year", "-month")
    states = attestation_states(periods=periods, agency_ids=[agency.pk])
    return [
        PendingReport(period, agency, states[(period.pk, agency.pk)])
        for period in periods
        if states[(period.pk, agency.pk)].attestable
    ]


# -- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppliedRule:
    """A rule and a setting the lines were computed with (read from the lines' inputs)."""

    rule: str
    contract: str
    divisor: int
    fixed_divisor: bool  # the contract's fixed 43 200 minutes (Anatel), not the month's

    @property
    def name(self) -> str:
        return rule_name(self.rule)


@dataclass(frozen=True)
class LineGroup:
    """The report's lines of one lot and its contractor (a consortium by its leader), with
    their sums."""

    lot: Lot
    carrier: Carrier
    consortium: bool
    lines: list[StatementLine]
    sums: dict[str, object]


@dataclass(frozen=True)
class AgencyReport:
    """The technical report of an agency for a month (on screen: "Relatório técnico")."""

    period: BillingPeriod
    agency: Agency
    month_minutes: int
    lines: list[StatementLine]  # in circuit order within each group
    groups: list[LineGroup]
    totals: dict[str, Decimal]
    by_carrier: list[dict[str, object]]
    rules: list[AppliedRule]
    corrections: list[Correction]  # posted in this month on the agency's links
    later_corrections: list[Correction]  # posted in later months, correcting this one
    attestation: AttestationState
    generated_at: datetime

    @property
    def preview(self) -> bool:
        """An open month: the report is issued when it closes; until then it may change."""
        return not self.period.is_closed

    @property
    def filename(self) -> str:
        return f"relatorio-tecnico-{self.period.label}-{self.agency.code}.pdf"


def _lines(period: BillingPeriod, agency: Agency) -> QuerySet[StatementLine]:
    return StatementLine.objects.filter(period=period, agency=agency)


def _applied_rules(lines: list[StatementLine], minutes: int) -> list[AppliedRule]:
    """Each (rule version, contract, divisor) the lines' segments were computed with."""
    seen = {
        (line.inputs["rule"], segment["contract"], segment["divisor"])
        for line in lines
        for segment in line.inputs["segments"]
    }
    contracts = Contract.objects.in_bulk({contract for _, contract, _ in seen})
    return [
        AppliedRule(rule, contracts[contract].number, divisor, divisor != minutes)
        for rule, contract, divisor in sorted(seen)
    ]


def _groups(lines: QuerySet[StatementLine], rows: list[StatementLine]) -> list[LineGroup]:
    sums = {
        (row.pop("lot_id"), row.pop("carrier_id")): row
        for row in lines.order_by()
        .values("lot_id", "carrier_id")
        .annotate(lines=Count("pk"), **SUMS)
    }
    groups = []
    for (lot_id, carrier_id), members in groupby(rows, key=lambda r: (r.lot_id, r.carrier_id)):
        members = list(members)
        groups.append(
            LineGroup(
                lot=members[0].lot,
                carrier=members[0].carrier,
                consortium=any(line.shares.all() for line in members),
                lines=members,
                sums=sums[(lot_id, carrier_id)],
            )
        )
    return groups


def agency_report(*, period: BillingPeriod, agency: Agency, now: datetime) -> AgencyReport:
    """Everything the report shows, read in a fixed handful of queries whatever its size."""
    lines = _lines(period, agency)
    rows = list(
        lines.select_related("link", "lot", "carrier")
        .prefetch_related("shares")
        # Grouped by lot and contractor below: a lot number repeats across contracts, so the
        # lot's own id keeps each lot's lines together.
        .order_by(
            "lot__contract__number", "lot__number", "lot_id", "carrier__name", "link__circuit_id"
        )
    )
    minutes = month_minutes(period.year, period.month)
    corrections = Correction.objects.select_related("link", "period", "corrects").order_by(
        "link__circuit_id", "created_at", "pk"
    )
    return AgencyReport(
        period=period,
        agency=agency,
        month_minutes=minutes,
        lines=rows,
        groups=_groups(lines, rows),
        totals=totals(lines),
        by_carrier=member_sums(lines),
        rules=_applied_rules(rows, minutes),
        corrections=list(corrections.filter(period=period, link__agency=agency)),
        later_corrections=list(corrections.filter(corrects=period, link__agency=agency)),
        attestation=attestation_states(periods=[period], agency_ids=[agency.pk])[
            (period.pk, agency.pk)
        ],
        generated_at=now,
    )


@dataclass(frozen=True)
class MonthRow:
    """An agency's report in the list of a month's reports."""

    agency: Agency
    lines: int
    amount_due: Decimal
    net: Decimal
    state: AttestationState


def report_month_rows(*, user, period: BillingPeriod) -> list[MonthRow]:
    """The month's reports the user may open: one per agency with lines in the month."""
    lines = StatementLine.objects.filter(period=period, agency__in=report_agency_list(user=user))
    sums = {row["key"]: row for row in sums_by(lines, "agency", "agency__code")}
    states = attestation_states(periods=[period], agency_ids=sums)
    return [
        MonthRow(
            agency,
            sums[agency.pk]["lines"],
            sums[agency.pk]["amount_due"],
            sums[agency.pk]["net"],
            states[(period.pk, agency.pk)],
        )
        for agency in Agency.objects.filter(pk__in=sums).order_by("code")
    ]


@dataclass(frozen=True)
class PeriodRow:
    """A month in the list of reports: how many agencies' reports it has and, for a user of
    one agency, where that agency's report stands."""

    period: BillingPeriod
    agencies: int
    state: AttestationState | None


def report_period_rows(*, user) -> list[PeriodRow]:
    """The computed months with reports the user may open, latest first."""
    agencies = report_agency_list(user=user)
    counts = dict(
        StatementLine.objects.filter(agency__in=agencies)
        .order_by()
        .values("period_id")
        .annotate(agencies=Count("agency_id", distinct=True))
        .values_list("period_id", "agencies")
    )
    periods = list(BillingPeriod.objects.filter(pk__in=counts).order_by("-year", "-month"))
    own = None if sees_whole_network(user) else user.agency_id
    states = attestation_states(periods=periods, agency_ids=[own]) if own else {}
    return [PeriodRow(p, counts[p.pk], states.get((p.pk, own))) for p in periods]


def report_archive_job(*, period: BillingPeriod) -> PeriodJob | None:
    """The month's latest finished generation of every agency's report, with its ZIP."""
    return (
        PeriodJob.objects.filter(period=period, kind=JobKind.REPORTS, state=JobState.DONE)
        .exclude(file="")
        .order_by("-finished_at")
        .first()
    )
