"""The steps of a proceeding: the allowed-moves table per role, filing until 23:59:59 local of
the last day, expiry, opinions, decisions, cancelling, uploads and the flag hook."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from core.exceptions import DomainError
from outbox.models import Message
from penalties.choices import ALLOWED_TRANSITIONS, OpinionKind, Outcome, Sanction
from penalties.choices import ProceedingStatus as S
from penalties.models import Document, Proceeding
from penalties.services import (
    opinion_add,
    proceeding_open,
    proceeding_open_from_flag,
    proceedings_expire,
)
from redegov.uploads import PROCEEDING_DOCUMENT, upload_check
from sla.choices import FlagStatus
from tests.sla.factories import BreachFlagFactory, ImrMonthFactory
from tests.support.outbox import deliver_pending
from tests.support.penalties import pdf
from tests.support.time import local

pytestmark = pytest.mark.django_db


def test_opening_numbers_and_proposes_the_catalog_fine(open_proceeding, personas, network):
    walk = open_proceeding()
    p = walk.proceeding
    assert p.number == "PAM-2026-0001"
    assert p.status == S.OPENED
    assert p.carrier == network.carrier_a
    assert p.proposed_amount == Decimal("1000.00")
    assert p.events.get().label == "Abertura"
    assert open_proceeding().proceeding.number == "PAM-2026-0002"


def test_only_billing_staff_open(network, personas, fine_type, lei_8666):
    for user in (personas.legal, personas.carrier_a, personas.outsider):
        with pytest.raises(DomainError):
            proceeding_open(
                user=user,
                lot=network.lot_metro,
                facts="x",
                sanction=Sanction.WARNING,
            )


def test_lei_14133_refuses_a_fine_outside_half_to_thirty_percent(network, personas, fine_type):
    # The contract (Lei 14.133) is worth R$ 96.055.953,00: 0,5% is R$ 480.279,77.
    with pytest.raises(ValidationError, match="0,5% a 30%"):
        proceeding_open(
            user=personas.billing,
            lot=network.lot_metro,
            facts="x",
            sanction=Sanction.FINE,
            fine_type=fine_type,
        )
    fine_type.amount, fine_type.percent = None, Decimal("0.5")
    fine_type.save()
    p = proceeding_open(
        user=personas.billing,
        lot=network.lot_metro,
        facts="x",
        sanction=Sanction.FINE,
        fine_type=fine_type,
    )
    assert p.proposed_amount == Decimal("480279.77")


def test_notice_starts_the_defense_deadline_and_is_emailed(open_proceeding, personas):
    personas.carrier_a.email = "alfa@example.com"
    personas.carrier_a.save()
    walk = open_proceeding()
    p = walk.notify(local(2026, 11, 12, 16, 0))
    assert (p.status, p.due_kind, p.due_date) == (S.NOTIFIED, "defense", date(2026, 11, 19))
    event = p.events.get(to_status=S.NOTIFIED)
    assert (event.deadline_days, event.deadline_starts) == (5, date(2026, 11, 13))
    [copy] = Message.objects.filter(ref=f"penalties.proceedingevent:{event.pk}")
    assert copy.to == ["alfa@example.com"]
    assert deliver_pending() == 1
    assert deliver_pending() == 0  # twice: one e-mail
    assert len(mail.outbox) == 1
    assert "19/11/2026 às 23:59:59" in mail.outbox[0].body


def test_defense_at_2359_of_the_last_day_is_accepted(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    p = walk.to(S.OPINION, local(2026, 11, 19, 23, 59), personas.carrier_a, documents=[pdf()])
    assert p.status == S.OPINION
    assert p.events.last().label == "Apresentar defesa"
    assert Document.objects.get().step == "defense"


def test_defense_a_minute_later_is_refused_with_the_reason(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    with pytest.raises(DomainError, match=r"19/11/2026 às 23:59:59.*20/11/2026 00:00"):
        walk.to(S.OPINION, local(2026, 11, 20, 0, 0), personas.carrier_a, reason="Tarde.")
    assert Proceeding.objects.get().status == S.NOTIFIED


def test_without_defense_the_portal_moves_on_to_the_opinions_after_the_deadline(
    open_proceeding, personas
):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    with pytest.raises(DomainError, match="aberto até 19/11/2026"):
        walk.to(S.OPINION, local(2026, 11, 19, 12, 0), personas.billing)
    assert proceedings_expire(now=local(2026, 11, 19, 23, 59)) == []
    [moved] = proceedings_expire(now=local(2026, 11, 20, 0, 0))
    assert moved.status == S.OPINION
    assert moved.events.last().label.startswith("Prazo de defesa encerrado sem defesa")
    assert moved.events.last().actor is None
    assert proceedings_expire(now=local(2026, 11, 20, 0, 5)) == []


def test_only_legal_counsel_writes_the_legal_opinion(open_proceeding, personas, authority):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    for user in (personas.billing, authority, personas.carrier_a):
        with pytest.raises(DomainError, match="parecer jurídico"):
            opinion_add(proceeding=walk.proceeding, kind=OpinionKind.LEGAL, user=user, text="x")
    with pytest.raises(DomainError):
        opinion_add(
            proceeding=walk.proceeding, kind=OpinionKind.TECHNICAL, user=personas.legal, text="x"
        )
    opinion_add(proceeding=walk.proceeding, kind=OpinionKind.LEGAL, user=personas.legal, text="ok")
    with pytest.raises(DomainError, match="já foi emitido"):
        opinion_add(
            proceeding=walk.proceeding, kind=OpinionKind.LEGAL, user=personas.legal, text="ok"
        )


def test_only_the_authority_decides_and_only_after_both_opinions(
    open_proceeding, personas, authority
):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    with pytest.raises(DomainError, match="parecer técnico e o parecer jurídico"):
        walk.decide(local(2026, 11, 16, 9, 0))
    walk.opinions(local(2026, 11, 16, 9, 0))
    for user in (personas.billing, personas.legal, personas.carrier_a):
        with pytest.raises(DomainError, match="não pode passar"):
            walk.to(S.DECIDED, local(2026, 11, 16, 10, 0), user, reason="x", outcome="applied")
    with pytest.raises(ValidationError):
        walk.to(S.DECIDED, local(2026, 11, 16, 10, 0), authority, outcome="applied")  # no reason
    p = walk.decide(local(2026, 11, 17, 10, 0), outcome=Outcome.REDUCED, amount=Decimal("600"))
    assert (p.status, p.amount, p.due_kind, p.due_date) == (
        S.DECIDED,
        Decimal("600.00"),
        "appeal",
        date(2026, 11, 25),  # 18, 19, 23, 24, 25 (20/11 is a national holiday)
    )


def test_a_reduction_must_reduce(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    walk.opinions(local(2026, 11, 16, 9, 0))
    with pytest.raises(ValidationError, match=r"menor que R\$ 1000\.00"):
        walk.decide(local(2026, 11, 17, 10, 0), outcome=Outcome.REDUCED, amount=Decimal("1000"))


def test_dismissal_archives(open_proceeding, personas, authority):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    walk.opinions(local(2026, 11, 16, 9, 0))
    p = walk.to(
        S.ARCHIVED,
        local(2026, 11, 17),
        authority,
        reason="Falha não comprovada.",
        outcome=Outcome.DISMISSED,
    )
    assert (p.status, p.outcome, p.amount) == (S.ARCHIVED, Outcome.DISMISSED, None)


def test_appeal_reconsideration_and_superior_decision(open_proceeding, personas, authority):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.defend(local(2026, 11, 13, 9, 0))
    walk.opinions(local(2026, 11, 16, 9, 0))
    walk.decide(local(2026, 11, 17, 10, 0))
    p = walk.to(S.APPEALED, local(2026, 11, 24, 23, 59), personas.carrier_a, reason="Recorro.")
    assert (p.due_kind, p.due_date) == ("reconsideration", date(2026, 12, 1))
    with pytest.raises(DomainError):
        walk.to(S.SUPERIOR, local(2026, 11, 25), personas.billing, reason="x")
    p = walk.to(S.SUPERIOR, local(2026, 11, 25, 10, 0), authority, reason="Mantenho.")
    assert (p.due_kind, p.due_date) == ("superior", date(2026, 12, 2))
    p = walk.to(
        S.FINAL,
        local(2026, 11, 30, 10, 0),
        authority,
        reason="Nego provimento.",
        outcome=Outcome.APPLIED,
        installments=4,
    )
    assert (p.status, p.amount, p.installments, p.final_at) == (
        S.FINAL,
        Decimal("1000.00"),
        4,
        local(2026, 11, 30, 10, 0),
    )
    assert p.due_date is None


def test_a_carrier_acts_only_on_its_own_lots(open_proceeding, personas, network):
    walk = open_proceeding()  # lot 1: Alfa alone
    walk.notify(local(2026, 11, 12, 16, 0))
    with pytest.raises(DomainError):
        walk.to(S.OPINION, local(2026, 11, 13), personas.carrier_b, reason="Não é meu.")
    consortium = open_proceeding(lot=network.lot_interior)  # Beta leader, Alfa member
    consortium.notify(local(2026, 11, 12, 16, 0))
    assert consortium.defend(local(2026, 11, 13), personas.carrier_a).status == S.OPINION


def test_cancelling_needs_a_reason_and_ends_it(open_proceeding, personas, authority):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    with pytest.raises(ValidationError):
        walk.to(S.CANCELLED, local(2026, 11, 13), personas.billing)
    with pytest.raises(DomainError):
        walk.to(S.CANCELLED, local(2026, 11, 13), personas.carrier_a, reason="x")
    p = walk.to(S.CANCELLED, local(2026, 11, 13), personas.billing, reason="Aberto por engano.")
    assert (p.status, p.due_date) == (S.CANCELLED, None)
    assert S.CANCELLED not in ALLOWED_TRANSITIONS
    with pytest.raises(DomainError):
        walk.to(S.NOTIFIED, local(2026, 11, 13), personas.billing)


def test_same_status_is_a_noop(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.notify(local(2026, 11, 12, 17, 0))
    assert walk.proceeding.events.count() == 2


def test_a_warning_ends_at_registration(network, personas, authority, lei_8666):
    from tests.support.penalties import Walk

    p = proceeding_open(
        user=personas.billing,
        lot=network.lot_metro,
        facts="x",
        sanction=Sanction.WARNING,
        at=local(2026, 8, 3),
    )
    walk = Walk(personas, authority, p)
    walk.notify(local(2026, 8, 3, 10, 0))
    walk.defend(local(2026, 8, 4, 10, 0))
    walk.opinions(local(2026, 8, 5, 10, 0))
    assert walk.decide(local(2026, 8, 6, 10, 0)).amount == Decimal("0.00")
    walk.to(S.FINAL, local(2026, 8, 20))
    walk.to(S.REGISTERED, local(2026, 8, 20), personas.billing)
    with pytest.raises(DomainError, match="advertência"):
        walk.to(S.COLLECTING, local(2026, 8, 20), personas.billing)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("defesa.docx", b"%PDF-1.4", "o nome termina em “.docx”"),
        ("defesa.pdf", b"PK\x03\x04 not a pdf", r"não é de um arquivo aceito .*\(envie PDF\)"),
        ("defesa.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "o limite é de 10,0 MB"),
    ],
)
def test_upload_validation(name, content, message):
    """Proceeding documents are PDFs (redegov.uploads; every kind of file: tests/security)."""
    with pytest.raises(ValidationError, match=message):
        upload_check(pdf(name, content), PROCEEDING_DOCUMENT)


def test_a_bad_upload_refuses_the_whole_filing(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    with pytest.raises(ValidationError):
        walk.to(
            S.OPINION,
            local(2026, 11, 13),
            personas.carrier_a,
            documents=[pdf(), pdf("x.pdf", b"<html>")],
        )
    assert Proceeding.objects.get().status == S.NOTIFIED
    assert not Document.objects.exists()


def test_stored_documents_are_outside_public_paths_with_their_own_names(open_proceeding, personas):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    walk.to(S.OPINION, local(2026, 11, 13), personas.carrier_a, documents=[pdf("../../x.pdf")])
    document = Document.objects.get()
    assert document.name == "x.pdf"
    assert document.file.name.startswith(f"processos/{walk.proceeding.pk}/defense-")
    assert ".." not in document.file.name


def test_opening_from_a_flag_links_its_evidence_and_marks_it(network, personas, lei_8666):
    flag = BreachFlagFactory(
        lot=network.lot_metro,
        carrier=network.carrier_a,
        last_month=ImrMonthFactory(year=2026, month=9),
        months=["2026-07", "2026-08", "2026-09"],
    )
    p = proceeding_open_from_flag(user=personas.billing, flag=flag, sanction=Sanction.WARNING)
    assert p.flag == flag
    assert "07/2026, 08/2026, 09/2026" in p.facts
    assert p.evidence.count() == 3
    flag.refresh_from_db()
    assert (flag.status, flag.proceeding_reference) == (FlagStatus.OPENED, p.number)
    with pytest.raises(DomainError):
        proceeding_open_from_flag(user=personas.billing, flag=flag, sanction=Sanction.WARNING)
