"""Fine proceedings through the API: read as in the pages; the carrier files its defense,
with reasons and PDFs, while the deadline is open."""

import pytest
import time_machine

from penalties.choices import ProceedingStatus
from penalties.models import Document
from tests.support.api import ids
from tests.support.penalties import PDF, pdf
from tests.support.time import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/proceedings/"


@pytest.fixture
def notified(open_proceeding):
    """A proceeding against lot 1 (carrier A), notified on 03/08/2026: under Lei 8.666 the
    defense is open for 5 business days, until 10/08/2026."""
    walk = open_proceeding()
    walk.notify(local(2026, 8, 3, 10, 0))
    return walk.proceeding


def test_each_role_lists_the_proceedings_it_sees(api, notified):
    for persona in ("carrier_a", "billing", "legal", "committee"):
        assert ids(api(persona).get(URL)) == [notified.pk]
    for persona in ("carrier_b", "manager_x", "noc", "outsider"):
        assert ids(api(persona).get(URL)) == []
    row = api("carrier_a").get(f"{URL}{notified.pk}/").json()
    assert (row["status"], row["due_kind"], row["due_date"], row["proposed_amount"]) == (
        "notified",
        "defense",
        "2026-08-10",
        "1000.00",
    )
    assert api("carrier_b").get(f"{URL}{notified.pk}/").status_code == 404


def test_carrier_files_its_defense_with_a_pdf(api, notified):
    with time_machine.travel(local(2026, 8, 5, 10, 0), tick=False):
        response = api("carrier_a").post(
            f"{URL}{notified.pk}/defense/",
            {"reason": "Não houve falha.", "documents": [pdf()]},
            format="multipart",
        )
    assert response.status_code == 200
    assert response.json()["status"] == ProceedingStatus.OPINION
    document = Document.objects.get()
    assert (document.step, document.name, document.file.read()) == ("defense", "defesa.pdf", PDF)


def test_a_defense_after_the_deadline_is_refused(api, notified):
    with time_machine.travel(local(2026, 8, 11, 0, 0), tick=False):
        response = api("carrier_a").post(f"{URL}{notified.pk}/defense/", {"reason": "Atrasada."})
    assert response.status_code == 400
    assert response.json() == {
        "erro": "Prazo de defesa encerrado: o último dia foi 10/08/2026 às 23:59:59; "
        "11/08/2026 00:00 é depois dele.",
        "campos": {},
    }


def test_a_defense_needs_reasons_or_a_pdf(api, notified):
    with time_machine.travel(local(2026, 8, 5, 10, 0), tick=False):
        client = api("carrier_a")
        empty = client.post(f"{URL}{notified.pk}/defense/", {})
        not_pdf = client.post(
            f"{URL}{notified.pk}/defense/",
            {"documents": [pdf("defesa.txt", b"texto")]},
            format="multipart",
        )
    assert empty.json()["campos"] == {"reason": ["Escreva as razões ou anexe o documento em PDF."]}
    # The API's uploads pass the same check as the pages' (redegov.uploads).
    assert not_pdf.json()["erro"] == (
        "defesa.txt: o conteúdo não é de um arquivo aceito como documento do processo (envie PDF)."
    )


@pytest.mark.parametrize("persona", ["billing", "legal", "manager_x"])
def test_only_carriers_file_defenses(api, notified, persona):
    # Billing staff making this move would be the deadline's expiry: never through this door.
    response = api(persona).post(f"{URL}{notified.pk}/defense/", {"reason": "x"})
    assert response.status_code == 403
