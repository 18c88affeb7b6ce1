"""What the schema says beyond the endpoints: the webhook the portal sends to carriers when it
opens tickets (monitoring.services.tickets: `_payload`, signed by `webhook_signature`)."""

from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers


class WebhookCarrierSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WebhookTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["interruption", "redundancy"])
    circuit_id = serializers.CharField()
    agency = serializers.CharField(help_text="sigla do órgão")
    municipality = serializers.CharField()
    address = serializers.CharField()
    start = serializers.DateTimeField(help_text="início da indisponibilidade")
    deadline_minutes = serializers.IntegerField(help_text="prazo de reparo")
    due_at = serializers.DateTimeField(help_text="reparo devido até")
    url = serializers.URLField(help_text="a página do chamado no portal")


class TicketsOpenedSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=["tickets.opened"])
    delivery_id = serializers.UUIDField(help_text="o mesmo em cada nova tentativa")
    created_at = serializers.DateTimeField()
    carrier = WebhookCarrierSerializer()
    tickets = WebhookTicketSerializer(many=True)


TICKETS_OPENED = OpenApiWebhook(
    name="TicketsOpened",
    decorator=extend_schema(
        summary="Chamados abertos para a operadora",
        description=(
            "POST ao `ticket_webhook_url` da operadora com os chamados abertos num ciclo (JSON, "
            "UTF-8, 10 s de prazo). Qualquer resposta 2xx é sucesso; as demais são repetidas com "
            "espera crescente.\n\nCabeçalhos:\n"
            "- `Idempotency-Key`: UUID da mensagem (`delivery_id`), o mesmo em cada tentativa "
            "(descarte repetições);\n"
            "- `X-RedeGov-Delivery`: o mesmo UUID;\n"
            "- `X-RedeGov-Timestamp`: segundos Unix da assinatura desta tentativa;\n"
            "- `X-RedeGov-Signature`: `sha256=` + HMAC-SHA256 em hexadecimal, com o segredo da "
            "operadora, de `<X-RedeGov-Timestamp>.<corpo bruto>` (docs/tickets.md)."
        ),
        request=TicketsOpenedSerializer,
        responses={200: OpenApiResponse(description="recebido (qualquer 2xx)")},
    ),
)
