"""Fine proceedings: the deciding authority's persona, a catalog fine, and a helper that walks a
proceeding through its steps."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.choices import Regime
from penalties.choices import OpinionKind, Outcome, Sanction
from penalties.choices import ProceedingStatus as S
from penalties.models import Proceeding
from penalties.services import opinion_add, proceeding_open, proceeding_transition
from redegov.roles import Role
from tests.penalties.factories import FineTypeFactory
from tests.people.factories import user_with_role
from tests.support.time import local

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "defesa.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def authority(network):
    return user_with_role("autoridade", Role.AUTHORITY)


@pytest.fixture
def lei_8666(network):
    """The network's contract under Lei 8.666/93 (no legal range for fines)."""
    network.contract.regime = Regime.LEI_8666
    network.contract.save(update_fields=["regime"])
    return network.contract


@pytest.fixture
def fine_type(network):
    return FineTypeFactory(contract=network.contract)


class Walk:
    """Moves one proceeding through its steps at given instants, as the right people."""

    def __init__(self, personas, authority, proceeding: Proceeding) -> None:
        self.personas = personas
        self.authority = authority
        self.proceeding = proceeding

    def to(self, status: str, at: datetime, user=None, **kwargs) -> Proceeding:
        self.proceeding = proceeding_transition(
            proceeding=self.proceeding, to=status, user=user, at=at, **kwargs
        )
        return self.proceeding

    def notify(self, at: datetime) -> Proceeding:
        return self.to(S.NOTIFIED, at, self.personas.billing)

    def defend(self, at: datetime, user=None) -> Proceeding:
        return self.to(S.OPINION, at, user or self.personas.carrier_a, reason="Não houve falha.")

    def opinions(self, at: datetime) -> None:
        opinion_add(
            proceeding=self.proceeding,
            kind=OpinionKind.TECHNICAL,
            user=self.personas.billing,
            text="Falhas confirmadas.",
            at=at,
        )
        opinion_add(
            proceeding=self.proceeding,
            kind=OpinionKind.LEGAL,
            user=self.personas.legal,
            text="Cabível a multa.",
            at=at,
        )

    def decide(self, at: datetime, installments: int = 1, **kwargs) -> Proceeding:
        kwargs.setdefault("outcome", Outcome.APPLIED)
        return self.to(
            S.DECIDED,
            at,
            self.authority,
            reason="Defesa não afasta as falhas.",
            installments=installments,
            **kwargs,
        )

    def final_and_collect(self, final_at: datetime) -> Proceeding:
        self.to(S.FINAL, final_at)  # no appeal in time: the portal makes it final
        self.to(S.REGISTERED, final_at, self.personas.billing)
        return self.to(S.COLLECTING, final_at, self.personas.billing)


@pytest.fixture
def open_proceeding(network, personas, authority, lei_8666, fine_type):
    """A function: open a proceeding on a lot (the metro lot by default) and return its Walk."""

    def make(lot=None, amount: str | None = None, at: datetime | None = None) -> Walk:
        chosen = fine_type
        if amount is not None:
            chosen = FineTypeFactory(
                contract=network.contract,
                name=f"Multa de {amount}",
                legal_basis="Cláusula 12.2",
                amount=Decimal(amount),
            )
        proceeding = proceeding_open(
            user=personas.billing,
            lot=lot or network.lot_metro,
            facts="Descumprimento reiterado do IMR.",
            sanction=Sanction.FINE,
            fine_type=chosen,
            at=at or local(2026, 8, 3, 9, 0),
        )
        return Walk(personas, authority, proceeding)

    return make


def fined(open_proceeding, *, amount: str, installments: int, lot=None, final_at=None) -> Walk:
    """A fine decided (8.666 deadlines: 5 business days) and made final, being collected."""
    walk = open_proceeding(lot=lot, amount=amount)
    walk.notify(local(2026, 8, 3, 10, 0))
    walk.defend(local(2026, 8, 5, 10, 0))
    walk.opinions(local(2026, 8, 10, 10, 0))
    walk.decide(local(2026, 8, 12, 10, 0), installments=installments)
    walk.final_and_collect(final_at or local(2026, 9, 21, 9, 0))
    return walk
