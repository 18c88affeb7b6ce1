"""A month's IMR results (docs/imr.md): measured from the month's data while the month
is open, or the final results stored when billing closed it. Nothing here writes.

What counts, and in which month:
- I1 (availability, per access): every link active at some minute of the month; active
  minutes from `core.instants.active_window`, counted minutes from THE count
  (`monitoring.selectors.unavailable_minutes`, the same as the bill's discount).
- I2 (tickets on time, per carrier and lot): interruption tickets whose outage (any piece of a
  split one) is `carrier` or `pending`, each once, in the month of the earlier of its end and
  its due instant; a ticket still open past its due instant counts late in the due month.
- I3/I4 (orders on time): the orders' compliance (`orders.compliance.compliance_rows`) of the
  definition's order types.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Least

from core.instants import active_window, month_bounds, truncate_minute
from inventory.models import Link, LinkRevision, Lot, LotMember
from monitoring.choices import COUNTED_RESPONSIBILITIES, TicketKind
from monitoring.models import Outage, Ticket
from monitoring.selectors import Counted, unavailable_minutes
from orders.compliance import compliance_rows
from sla.choices import Formula, Scope
from sla.definitions import rule_from_definition, rules_in_force
from sla.models import ImrMonth, IndicatorResult, LotMonth
from sla.rules import Outcome, Rule, evaluate, pct_text, percent


@dataclass(frozen=True)
class LotInfo:
    """A lot as results name it: number, contract, and its contractor (the leader)."""

    lot_id: int
    number: int
    name: str
    contract_id: int
    contract_number: str
    carrier_id: int
    carrier_code: str
    carrier_name: str


@dataclass(frozen=True)
class Result:
    """One indicator's result in a month, per access or per carrier and lot."""

    rule: Rule
    lot: LotInfo
    numerator: int
    denominator: int
    outcome: Outcome
    inputs: dict
    link_id: int | None = None
    circuit_id: str = ""
    agency_id: int | None = None
    agency_code: str = ""
    access_type: str = ""
    base: Decimal | None = None  # final months: what the band applied to
    amount: Decimal | None = None  # final months: the adjustment before the bill's caps

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def scope(self) -> str:
        return Scope.ACCESS if self.link_id else Scope.LOT

    @property
    def value_text(self) -> str | None:
        return pct_text(self.outcome.value)


@dataclass(frozen=True)
class LotSummary:
    """A lot's availability over its accesses (for repeated breaches of I1) and, once final,
    what billing applied to its lines."""

    rule: Rule  # the availability indicator whose simple-access target applies
    lot: LotInfo
    accesses: int
    available_minutes: int
    active_minutes: int
    outcome: Outcome
    amount_due: Decimal | None = None
    discount: Decimal | None = None
    imr_adjustment: Decimal | None = None

    @property
    def value_text(self) -> str | None:
        return pct_text(self.outcome.value)


@dataclass
class MonthResults:
    year: int
    month: int
    final: bool
    measured_at: datetime
    results: list[Result] = field(default_factory=list)
    lots: list[LotSummary] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Access:
    """An access measured for I1: its active window in the month and its lot at the window's
    last minute."""

    link_id: int
    circuit_id: str
    agency_id: int
    agency_code: str
    access_type: str
    lot_id: int
    start: datetime
    end: datetime


MeasuredAccesses = list[tuple[Access, Counted]]


def month_results(
    *, year: int, month: int, now: datetime, accesses: MeasuredAccesses | None = None
) -> MonthResults:
    """The final results of a closed month, or the month measured as of `now`."""
    final = ImrMonth.objects.filter(year=year, month=month).first()
    if final is not None:
        return stored_results(final)
    return measure(year=year, month=month, now=now, accesses=accesses)


def measure(
    *, year: int, month: int, now: datetime, accesses: MeasuredAccesses | None = None
) -> MonthResults:
    """Measure every indicator of every contract in force in the month, as of `now`.

    `accesses`: the I1 accesses with their counted minutes when the caller has them already
    (billing counts the same windows for the bill); otherwise they are read and counted here."""
    start, end = month_bounds(year, month)
    if accesses is None:
        found = _accesses(start, end)
        counted = unavailable_minutes(windows=[(a.link_id, a.start, a.end) for a in found], now=now)
        accesses = list(zip(found, counted, strict=True))
    tickets = _tickets(start, end, now)
    seen = {a.lot_id for a, _ in accesses} | {lot_id for lot_id, _ in tickets}
    lots = _lots(start, end, seen)
    orders = _orders(year, month, now, lots)
    rules = rules_in_force({lot.contract_id for lot in lots.values()}, start.date())
    results: list[Result] = []
    access_results: dict[int, list[Result]] = defaultdict(list)
    availability = {
        contract_id: [r for r in contract_rules.values() if r.formula == Formula.AVAILABILITY]
        for contract_id, contract_rules in rules.items()
    }
    # Most of a month's 10^5 accesses share their active and counted minutes with others: each
    # distinct judgement is made once (outcomes are immutable).
    outcomes: dict[tuple, Outcome] = {}
    for access, minutes in accesses:
        lot = lots[access.lot_id]
        active = int((access.end - access.start).total_seconds()) // 60
        for rule in availability[lot.contract_id]:
            key = (lot.contract_id, rule.code, active, minutes.minutes, access.access_type)
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = outcomes[key] = evaluate(
                    rule,
                    active - minutes.minutes,
                    active,
                    access_type=access.access_type,
                    counted_minutes=minutes.minutes,
                )
            result = Result(
                rule=rule,
                lot=lot,
                numerator=active - minutes.minutes,
                denominator=active,
                outcome=outcome,
                inputs={
                    "active_minutes": active,
                    "counted_minutes": minutes.minutes,
                    "outages": list(minutes.outage_ids),
                },
                link_id=access.link_id,
                circuit_id=access.circuit_id,
                agency_id=access.agency_id,
                agency_code=access.agency_code,
                access_type=access.access_type,
            )
            results.append(result)
            access_results[lot.lot_id].append(result)
    ticket_tally = _tally((lot_id, on_time) for lot_id, on_time in tickets)
    for lot in lots.values():
        for rule in rules[lot.contract_id].values():
            if rule.formula == Formula.TICKETS_ON_TIME:
                on_time, late = ticket_tally.get(lot.lot_id, (0, 0))
            elif rule.formula == Formula.ORDERS_ON_TIME:
                by_type = orders.get(lot.lot_id, {})
                on_time = sum(by_type.get(t, (0, 0))[0] for t in rule.order_types)
                late = sum(by_type.get(t, (0, 0))[1] for t in rule.order_types)
            else:
                continue
            results.append(
                Result(
                    rule=rule,
                    lot=lot,
                    numerator=on_time,
                    denominator=on_time + late,
                    outcome=evaluate(rule, on_time, on_time + late),
                    inputs={"counted": on_time + late, "on_time": on_time, "late": late},
                )
            )
    summaries = [
        _lot_summary(lot, access_results.get(lot.lot_id, []), rules[lot.contract_id])
        for lot in lots.values()
    ]
    return MonthResults(
        year=year,
        month=month,
        final=False,
        measured_at=now,
        results=sorted(results, key=_order),
        lots=sorted((s for s in summaries if s is not None), key=lambda s: _lot_order(s.lot)),
    )


def _order(result: Result) -> tuple:
    return (result.code, *_lot_order(result.lot), result.circuit_id)


def _lot_order(lot: LotInfo) -> tuple:
    return (lot.contract_number, lot.number)


def _lot_summary(lot: LotInfo, results: list[Result], rules: dict[str, Rule]) -> LotSummary | None:
    """The lot's availability against the simple-access target of its availability indicator
    (the first by code); None when the contract has no availability indicator."""
    rule = next((r for r in rules.values() if r.formula == Formula.AVAILABILITY), None)
    if rule is None:
        return None
    mine = [r for r in results if r.code == rule.code]
    available = sum(r.numerator for r in mine)
    active = sum(r.denominator for r in mine)
    return LotSummary(
        rule=rule,
        lot=lot,
        accesses=len(mine),
        available_minutes=available,
        active_minutes=active,
        outcome=evaluate(rule, available, active),
    )


def _tally(items) -> dict[int, tuple[int, int]]:
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for key, on_time in items:
        tally[key][0 if on_time else 1] += 1
    return {key: (a, b) for key, (a, b) in tally.items()}


def _lot_moves(link_ids) -> dict[int, list[tuple[datetime, int]]]:
    """Contract moves of the links ((instant truncated, new lot)), oldest first. `link_ids` is
    a subquery: a list of 100 000 ids would cost more than the rows."""
    moves: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for link_id, at, lot_id in (
        LinkRevision.objects.filter(link_id__in=link_ids, lot__isnull=False)
        .order_by("link_id", "effective_at")
        .values_list("link_id", "effective_at", "lot_id")
    ):
        moves[link_id].append((truncate_minute(at), lot_id))
    return moves


def _lot_at(lot_id: int, moves: list[tuple[datetime, int]], before: datetime) -> int:
    """The link's lot in force just before `before` (its activation lot, or the last move)."""
    for at, moved_to in moves:
        if at < before:
            lot_id = moved_to
    return lot_id


def _accesses(start: datetime, end: datetime) -> list[Access]:
    """Links active at some minute of [start, end), with their active window and their lot at
    the window's last minute (a contract move changes it, as on the bill)."""
    in_month = Link.objects.filter(activated_at__lt=end).filter(
        Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=start)
    )
    rows = list(
        in_month.values_list(
            "pk",
            "circuit_id",
            "agency_id",
            "agency__code",
            "access_type",
            "lot_id",
            "activated_at",
            "cancelled_at",
        )
    )
    moves = _lot_moves(in_month.values("pk"))
    accesses = []
    for pk, circuit, agency_id, agency_code, access_type, lot_id, activated, cancelled in rows:
        window = active_window(activated, cancelled, start, end)
        if window is None:
            continue
        accesses.append(
            Access(
                pk,
                circuit,
                agency_id,
                agency_code,
                access_type,
                _lot_at(lot_id, moves.get(pk, []), window[1]),
                *window,
            )
        )
    return accesses


def _tickets(start: datetime, end: datetime, now: datetime) -> list[tuple[int, bool]]:
    """(lot id, on time?) of the I2 tickets counted in [start, end) as of `now`."""
    counted_outage = Outage.objects.filter(
        Q(pk=OuterRef("outage_id")) | Q(split_from_id=OuterRef("outage_id")),
        responsibility__in=COUNTED_RESPONSIBILITIES,
    )
    rows = list(
        Ticket.objects.filter(kind=TicketKind.INTERRUPTION)
        # LEAST skips NULL in PostgreSQL: an open ticket counts at its due instant...
        .annotate(counted_at=Least("ended_at", "due_at"))
        .filter(counted_at__gte=start, counted_at__lt=end)
        # ...once that instant has passed (it can no longer be on time).
        .filter(Q(ended_at__isnull=False) | Q(due_at__lt=now))
        .filter(Exists(counted_outage))
        .values_list("link_id", "link__lot_id", "start", "ended_at", "due_at")
    )
    moves = _lot_moves({row[0] for row in rows})
    return [
        (
            _lot_at(lot_id, moves.get(link_id, []), truncate_minute(begin) + timedelta(minutes=1)),
            ended is not None and ended <= due,
        )
        for link_id, lot_id, begin, ended, due in rows
    ]


def _lots(start: datetime, end: datetime, seen: set[int]) -> dict[int, LotInfo]:
    """The lots of the contracts in force in the month, and any other lot with something
    counted, each with its contractor (the leader)."""
    last_day = (end - timedelta(days=1)).date()
    lots = Lot.objects.filter(
        Q(contract__start_date__lte=last_day, contract__end_date__gte=start.date()) | Q(pk__in=seen)
    ).select_related("contract")
    leaders = {
        member.lot_id: member.carrier
        for member in LotMember.objects.filter(lot__in=lots, position=0).select_related("carrier")
    }
    return {
        lot.pk: LotInfo(
            lot_id=lot.pk,
            number=lot.number,
            name=lot.name,
            contract_id=lot.contract_id,
            contract_number=lot.contract.number,
            carrier_id=leaders[lot.pk].pk,
            carrier_code=leaders[lot.pk].code,
            carrier_name=leaders[lot.pk].name,
        )
        for lot in lots
        if lot.pk in leaders
    }


def _orders(
    year: int, month: int, now: datetime, lots: dict[int, LotInfo]
) -> dict[int, dict[str, tuple[int, int]]]:
    """{lot id: {order type: (on time, late)}} from the orders' compliance rows, by the lot's own
    id (a lot number is unique only within its contract); the rows of every carrier the lot's
    orders went to are summed."""
    result: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in compliance_rows(year=year, month=month, now=now):
        if row.lot_id in lots:
            on_time, late = result[row.lot_id].get(row.order_type, (0, 0))
            result[row.lot_id][row.order_type] = (on_time + row.on_time, late + row.late)
    return result


def _lot_info(lot: Lot, carrier) -> LotInfo:
    return LotInfo(
        lot_id=lot.pk,
        number=lot.number,
        name=lot.name,
        contract_id=lot.contract_id,
        contract_number=lot.contract.number,
        carrier_id=carrier.pk,
        carrier_code=carrier.code,
        carrier_name=carrier.name,
    )


def stored_results(final: ImrMonth) -> MonthResults:
    """A closed month's results as they were stored (three queries and the bands)."""
    rows = (
        IndicatorResult.objects.filter(month=final)
        .select_related("lot__contract", "carrier", "link__agency")
        .prefetch_related("definition__bands")
    )
    rules: dict[int, Rule] = {}

    def rule_of(row) -> Rule:
        if row.definition_id not in rules:
            rules[row.definition_id] = rule_from_definition(row.definition)
        return rules[row.definition_id]

    results = []
    for row in rows:
        rule = rule_of(row)
        results.append(
            Result(
                rule=rule,
                lot=_lot_info(row.lot, row.carrier),
                numerator=row.numerator,
                denominator=row.denominator,
                outcome=Outcome(
                    percent(row.numerator, row.denominator),
                    row.target,
                    row.met,
                    row.band,
                ),
                inputs=row.inputs,
                link_id=row.link_id,
                circuit_id=row.link.circuit_id if row.link else "",
                agency_id=row.link.agency_id if row.link else None,
                agency_code=row.link.agency.code if row.link else "",
                access_type=row.access_type,
                base=row.base,
                amount=row.amount,
            )
        )
    lots = [
        LotSummary(
            rule=rule_of(row),
            lot=_lot_info(row.lot, row.carrier),
            accesses=row.accesses,
            available_minutes=row.available_minutes,
            active_minutes=row.active_minutes,
            outcome=Outcome(
                percent(row.available_minutes, row.active_minutes),
                row.target,
                row.met,
                None,
            ),
            amount_due=row.amount_due,
            discount=row.discount,
            imr_adjustment=row.imr_adjustment,
        )
        for row in LotMonth.objects.filter(month=final)
        .select_related("lot__contract", "carrier")
        .prefetch_related("definition__bands")
    ]
    return MonthResults(
        year=final.year,
        month=final.month,
        final=True,
        measured_at=final.computed_at,
        results=sorted(results, key=_order),
        lots=sorted(lots, key=lambda s: _lot_order(s.lot)),
    )
