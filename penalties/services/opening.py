"""Opening fine proceedings: `proceeding_open` (by hand) and `proceeding_open_from_flag` (a
repeated-breach flag's ready-made proceeding), and the checks of a fine's amount (Lei 14.133/21)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.exceptions import DomainError
from core.money import round_brl
from inventory.choices import Regime
from inventory.models import Lot
from penalties.choices import (
    DocumentStep,
    Sanction,
)
from penalties.models import (
    Evidence,
    FineType,
    Proceeding,
    ProceedingNumber,
)
from penalties.selectors import EvidenceItem
from penalties.services.records import documents_save, event_record
from redegov.access import BILLING_STAFF, holds
from redegov.models import User
from sla.choices import FlagStatus
from sla.models import BreachFlag
from sla.selectors import proceeding_draft
from sla.services import breach_flag_transition

# Lei 14.133/21, art. 156 § 3: a fine is between 0,5% and 30% of the contract's value.
LEI_14133_RANGE = (Decimal("0.5"), Decimal("30"))


def fine_type_amount(fine_type: FineType) -> Decimal:
    """The catalog's amount, or its percentage of the contract's value (half-up)."""
    if fine_type.amount is not None:
        return fine_type.amount
    return round_brl(fine_type.contract.value * fine_type.percent / 100)


def fine_amount_check(*, regime: str, contract_value: Decimal, amount: Decimal) -> None:
    """Refuse a fine outside the legal range (Lei 14.133/21: 0,5% to 30% of the contract)."""
    if amount <= 0:
        raise ValidationError({"amount": "A multa deve ser maior que zero."})
    if regime != Regime.LEI_14133:
        return
    low, high = (round_brl(contract_value * pct / 100) for pct in LEI_14133_RANGE)
    if not low <= amount <= high:
        raise ValidationError(
            {
                "amount": f"Pela Lei 14.133/21 a multa vai de 0,5% a 30% do valor do contrato: "
                f"de R$ {low} a R$ {high}."
            }
        )


def fine_type_check(fine_type: FineType) -> None:
    """A catalog entry's amount must be within the contract's regime's legal range."""
    fine_amount_check(
        regime=fine_type.contract.regime,
        contract_value=fine_type.contract.value,
        amount=fine_type_amount(fine_type),
    )


def _number(year: int) -> str:
    counter, _ = ProceedingNumber.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PAM-{year}-{counter.last:04d}"


def _require_billing(user: User) -> None:
    if not holds(user, BILLING_STAFF):
        raise DomainError("Só a equipe de faturamento (UGS) abre processos de multa.")


@transaction.atomic
def proceeding_open(
    *,
    user: User,
    lot: Lot,
    facts: str,
    sanction: str,
    fine_type: FineType | None = None,
    evidence: Sequence[EvidenceItem] = (),
    documents: Sequence[UploadedFile] = (),
    flag: BreachFlag | None = None,
    at: datetime | None = None,
) -> Proceeding:
    """Billing staff open a proceeding against the lot's contractor (a consortium as a whole),
    with the facts, the evidence and the proposed sanction (a warning, or a fine of the
    contract's catalog)."""
    at = at or timezone.now()
    _require_billing(user)
    contract = lot.contract
    proposed = None
    if sanction == Sanction.FINE:
        if fine_type is None or fine_type.contract_id != contract.pk:
            raise ValidationError({"fine_type": "Escolha uma multa do catálogo do contrato."})
        fine_type_check(fine_type)
        proposed = fine_type_amount(fine_type)
    leader = lot.members.order_by("position").select_related("carrier").first()
    if leader is None:
        raise ValidationError({"lot": "O lote não tem contratado."})
    proceeding = Proceeding(
        number=_number(timezone.localdate(at).year),
        contract=contract,
        lot=lot,
        carrier=leader.carrier,
        regime=contract.regime,
        flag=flag,
        facts=facts.strip(),
        sanction=sanction,
        fine_type=fine_type if sanction == Sanction.FINE else None,
        proposed_amount=proposed,
        opened_by=user,
        opened_at=at,
    )
    proceeding.full_clean()
    proceeding.save()
    for item in evidence:
        Evidence.objects.create(
            proceeding=proceeding,
            kind=item.kind,
            reference=item.reference,
            description=item.description,
            url=item.url,
        )
    event = event_record(proceeding, source="", user=user, at=at, label="Abertura")
    documents_save(proceeding, documents, step=DocumentStep.OPENING, user=user, at=at, event=event)
    return proceeding


@transaction.atomic
def proceeding_open_from_flag(
    *,
    user: User,
    flag: BreachFlag,
    sanction: str,
    fine_type: FineType | None = None,
    at: datetime | None = None,
) -> Proceeding:
    """Open the flag's ready-made proceeding (`sla.selectors.proceeding_draft`): its facts and
    evidence, against its lot's contractor; the flag is marked opened with its number."""
    at = at or timezone.now()
    flag = BreachFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status != FlagStatus.OFFERED:
        raise DomainError(f"A reincidência já está {flag.get_status_display().lower()}.")
    draft = proceeding_draft(flag)
    proceeding = proceeding_open(
        user=user,
        lot=draft.lot,
        facts=draft.facts,
        sanction=sanction,
        fine_type=fine_type,
        flag=flag,
        evidence=[
            EvidenceItem(
                kind="imr",
                reference=f"{draft.indicator} {item.month}",
                description=f"Resultado {item.value}% para a meta de {item.target}%",
                url=item.url,
            )
            for item in draft.evidence
        ],
        at=at,
    )
    breach_flag_transition(
        flag=flag,
        to=FlagStatus.OPENED,
        user=user,
        now=at,
        proceeding_reference=proceeding.number,
    )
    return proceeding
