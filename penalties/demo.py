"""Demo proceedings (`manage.py seed_demo`): one in each of several steps, and a fine decided
months ago whose installments the demo's month closings collect (it runs before them). Those
whose carrier deadline has ended by today are moved on as the portal does (`proceedings_expire`)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.instants import local_midnight
from inventory.models import Contract, Lot
from penalties.choices import OpinionKind, Outcome, Sanction
from penalties.choices import ProceedingStatus as S
from penalties.models import FineType, Proceeding
from penalties.services import (
    opinion_add,
    proceeding_open,
    proceeding_transition,
    proceedings_expire,
)
from redegov.models import User

FACTS = (
    "O contratado do lote {lot} descumpriu reiteradamente os prazos de reparo e de ativação "
    "do contrato, conforme evidências do IMR e das OS em atraso."
)


def _at(day: date, hour: int = 10) -> datetime:
    return local_midnight(day) + timedelta(hours=hour)


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def seed_demo_penalties(*, contract: Contract) -> int:
    """The demo's proceedings on `contract`; returns how many were opened (0 when they exist)."""
    if Proceeding.objects.filter(contract=contract).exists():
        return 0
    users = {
        u.username: u for u in User.objects.filter(username__in=["ugs", "juridico", "autoridade"])
    }
    fine, _ = FineType.objects.get_or_create(
        contract=contract,
        name="Multa por inexecução parcial (IMR reiteradamente descumprido)",
        defaults={
            "legal_basis": "Lei 8.666/93, art. 87, II; cláusula de sanções",
            "amount": Decimal("45000.00"),
        },
    )
    FineType.objects.get_or_create(
        contract=contract,
        name="Multa por atraso na ativação de acessos",
        defaults={"legal_basis": "Lei 8.666/93, art. 86", "amount": Decimal("8500.00")},
    )
    lots = list(Lot.objects.filter(contract=contract).order_by("number"))
    today = timezone.localdate()
    plan = [  # (lot index, last step, opened this many days ago, installments)
        (0, S.COLLECTING, None, 10),
        (1, S.OPENED, 3, 1),
        (2, S.NOTIFIED, 4, 1),
        (3, S.OPINION, 20, 1),
        (4, S.DECIDED, 6, 3),  # its appeal deadline still running
        (5, S.APPEALED, 45, 1),
        (6, S.NOTIFIED, 25, 1),  # no defense in time: the portal moved it on to the opinions
        (7, S.DECIDED, 30, 1),  # no appeal in time: the portal made the decision final
    ]
    for index, last, days_ago, installments in plan:
        lot = lots[index % len(lots)]
        start = (
            _at(_months_back(today, 8))
            if days_ago is None
            else _at(today - timedelta(days=days_ago))
        )
        proceeding = proceeding_open(
            user=users["ugs"],
            lot=lot,
            facts=FACTS.format(lot=lot.number),
            sanction=Sanction.FINE,
            fine_type=fine,
            at=start,
        )
        _walk(proceeding, last, start, installments, users)
    # As the beat would have done since: a carrier deadline that ended with no filing has moved
    # the proceeding on, so no demo proceeding shows a deadline both running and ended.
    proceedings_expire(now=timezone.now())
    return len(plan)


def _carrier_user(proceeding: Proceeding) -> User:
    return User.objects.get(username=f"operadora.{proceeding.carrier.code}")


def _walk(
    proceeding: Proceeding, last: str, start: datetime, installments: int, users: dict
) -> None:
    """Move a demo proceeding step by step up to `last`, a day or two between steps."""
    steps = [
        S.NOTIFIED,
        S.OPINION,
        "opinions",
        S.DECIDED,
        S.APPEALED,
        S.REGISTERED,
        S.COLLECTING,
    ]
    if last == S.OPENED:
        return
    when = start
    for step in steps:
        when += timedelta(days=1)
        if step == S.NOTIFIED:
            proceeding = proceeding_transition(
                proceeding=proceeding, to=step, user=users["ugs"], at=when
            )
        elif step == S.OPINION:
            if last == S.NOTIFIED:
                return
            proceeding = proceeding_transition(
                proceeding=proceeding,
                to=step,
                user=_carrier_user(proceeding),
                reason="As falhas decorreram de obras de terceiros na via pública.",
                at=when,
            )
        elif step == "opinions":
            opinion_add(
                proceeding=proceeding,
                kind=OpinionKind.TECHNICAL,
                user=users["ugs"],
                text="As indisponibilidades foram confirmadas pelo monitoramento do NOC.",
                at=when,
            )
            if last == S.OPINION:
                return
            opinion_add(
                proceeding=proceeding,
                kind=OpinionKind.LEGAL,
                user=users["juridico"],
                text="A defesa não afasta a responsabilidade contratual; cabível a multa.",
                at=when,
            )
        elif step == S.DECIDED:
            proceeding = proceeding_transition(
                proceeding=proceeding,
                to=step,
                user=users["autoridade"],
                reason="Acolho os pareceres: aplicada a multa proposta.",
                outcome=Outcome.APPLIED,
                installments=installments,
                at=when,
            )
            if last == S.DECIDED:
                return
        elif step == S.APPEALED:
            if last == S.APPEALED:
                proceeding_transition(
                    proceeding=proceeding,
                    to=step,
                    user=_carrier_user(proceeding),
                    reason="Recorremos: pedimos a redução da multa.",
                    at=when,
                )
                return
            when += timedelta(days=14)  # no appeal: the deadline expires
            proceeding = proceeding_transition(
                proceeding=proceeding, to=S.FINAL, user=None, at=when
            )
        elif step in (S.REGISTERED, S.COLLECTING):
            proceeding = proceeding_transition(
                proceeding=proceeding, to=step, user=users["ugs"], at=when
            )
