"""One error body for the whole API (docs/api.md):

    {"erro": "mensagem", "campos": {"campo": ["mensagem", ...]}}

`campos` holds the messages of each field (empty when the error is not about one field).
Service refusals become answers here: Django's ValidationError 400 (with its fields),
DomainError 400, an idempotency key reused with other data 422, PermissionDenied 403, and a
row the user may not see 404, as in the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from api.services import IdempotencyKeyReused
from core.exceptions import DomainError

INVALID = "Dados inválidos; veja os campos."
NON_FIELD_KEYS = ("non_field_errors", "__all__")


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, IdempotencyKeyReused):
        return Unprocessable(str(exc))
    if isinstance(exc, DomainError):
        return exceptions.ValidationError(str(exc))
    if isinstance(exc, exceptions.Throttled):
        exc.detail = f"Limite de requisições excedido; tente de novo em {exc.wait or 1:.0f} s."
    return exc


def _messages(detail) -> list[str]:
    """Every message of a (possibly nested) DRF error detail, in order."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def error_body(detail) -> dict[str, object]:
    if isinstance(detail, dict):
        general = [m for key in NON_FIELD_KEYS for m in _messages(detail.get(key, []))]
        fields = {
            key: _messages(value) for key, value in detail.items() if key not in NON_FIELD_KEYS
        }
        return {"erro": " ".join(general) or INVALID, "campos": fields}
    return {"erro": " ".join(_messages(detail)), "campos": {}}


def api_exception_handler(exc: Exception, context: dict):
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500
    # DRF puts other errors (401, 403, 404, 405, 429 ...) under "detail".
    validation = isinstance(exc, exceptions.ValidationError)
    response.data = error_body(exc.detail if validation else response.data["detail"])
    return response
