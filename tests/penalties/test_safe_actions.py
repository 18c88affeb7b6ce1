"""Negative proceeding actions (cancel, dismiss) are confirmed and need a reason (docs/ui.md,
"Confirmações"): placed apart from the positive ones, refused without the checkbox or the
reason, stored on the step and shown on the page and its history, the contractor e-mailed."""

import pytest
from django.urls import reverse

from outbox.models import Message
from penalties.choices import ProceedingStatus as S
from penalties.models import Proceeding
from tests.support.time import local

pytestmark = pytest.mark.django_db


def page(client, proceeding) -> str:
    url = reverse("penalties:proceeding-detail", args=[proceeding.pk])
    return client.get(url).content.decode()


def move(client, proceeding, **data):
    url = reverse("penalties:proceeding-transition", args=[proceeding.pk])
    return client.post(url, data, follow=True)


def test_cancelling_is_apart_from_the_positive_actions_and_asks_first(client, open_proceeding):
    walk = open_proceeding()
    client.force_login(walk.personas.billing)
    html = page(client, walk.proceeding)
    positive, negative = html.split('<div class="danger-actions">')
    assert '<button type="submit">Notificar a operadora</button>' in positive
    assert "Cancelar o processo" not in positive
    assert '<summary class="button danger">Cancelar o processo…</summary>' in negative
    assert "O processo será cancelado" in negative and 'name="confirmed"' in negative


def test_cancelling_needs_the_confirmation_and_a_reason_then_shows_it(client, open_proceeding):
    walk = open_proceeding()
    walk.personas.carrier_a.email = "alfa@example.com"
    walk.personas.carrier_a.save(update_fields=["email"])
    billing = walk.personas.billing
    client.force_login(billing)
    refused = move(client, walk.proceeding, to=S.CANCELLED, reason="Fatos não comprovados.")
    assert "Marque a caixa de confirmação para continuar." in refused.content.decode()
    refused = move(client, walk.proceeding, to=S.CANCELLED, confirmed="on", reason=" ")
    assert "Informe o motivo." in refused.content.decode()
    assert Proceeding.objects.get().status == S.OPENED
    done = move(
        client, walk.proceeding, to=S.CANCELLED, confirmed="on", reason="Fatos não comprovados."
    ).content.decode()
    assert "Cancelado." in done and "Aviso enviado a:" in done and "alfa@example.com" in done
    event = Proceeding.objects.get(status=S.CANCELLED).events.last()
    assert (event.reason, event.actor) == ("Fatos não comprovados.", billing)
    assert 'id="encerramento"><strong>Cancelar o processo</strong>' in done
    assert "Motivo: Fatos não comprovados.</p>" in done
    assert "<td>Fatos não comprovados.</td>" in done  # the history
    [mail] = Message.objects.filter(ref=f"penalties.proceedingevent:{event.pk}")
    assert mail.to == ["alfa@example.com"] and "Motivo: Fatos não comprovados." in mail.body


def test_dismissing_is_confirmed_with_its_reasons(client, open_proceeding):
    walk = open_proceeding()
    walk.notify(local(2026, 8, 3, 10, 0))
    walk.defend(local(2026, 8, 4, 10, 0))
    walk.opinions(local(2026, 8, 5, 10, 0))
    client.force_login(walk.authority)
    html = page(client, walk.proceeding)
    assert '<summary class="button danger">Decidir pela improcedência (arquivar)…' in html
    refused = move(client, walk.proceeding, to=S.ARCHIVED, reason="Defesa acolhida.")
    assert "Marque a caixa de confirmação" in refused.content.decode()
    move(client, walk.proceeding, to=S.ARCHIVED, confirmed="on", reason="Defesa acolhida.")
    proceeding = Proceeding.objects.get()
    assert (proceeding.status, proceeding.outcome) == (S.ARCHIVED, "dismissed")
    assert proceeding.events.last().reason == "Defesa acolhida."


def test_nobody_else_cancels(client, open_proceeding):
    walk = open_proceeding()
    personas = walk.personas
    client.force_login(personas.carrier_b)  # another tenant: not found
    url = reverse("penalties:proceeding-transition", args=[walk.proceeding.pk])
    assert (
        client.post(url, {"to": S.CANCELLED, "confirmed": "on", "reason": "x"}).status_code == 404
    )
    client.force_login(personas.carrier_a)  # its own proceeding, not its move
    assert "Cancelar o processo" not in page(client, walk.proceeding)
    move(client, walk.proceeding, to=S.CANCELLED, confirmed="on", reason="x")
    assert Proceeding.objects.get().status == S.OPENED
