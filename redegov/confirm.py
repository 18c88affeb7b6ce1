"""The confirmation of an irreversible or negative action (docs/ui.md, "Confirmações").

Every such action posts a required confirming checkbox (`confirmed`) and, where the business
needs one, a written reason (`reason`); the page renders both with `templates/_confirm.html`, so
the confirmation works without JavaScript (`static/js/confirm.js` only moves the form into a
native <dialog>). The server refuses a post without them: the checkbox is checked here, the
reason is checked again by the domain service, which stores it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

REASON_REQUIRED = "Informe o motivo."
CONFIRMATION_REQUIRED = "Marque a caixa de confirmação para continuar."


def reason_clean(reason: str, *, field: str = "reason") -> str:
    """The reason without surrounding blanks; a ValidationError naming `field` when empty (the
    services call it, so the pages and the API refuse the same way)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: REASON_REQUIRED})
    return reason


class ConfirmForm(forms.Form):
    """A confirmation, with a reason when `reason_required` (the default)."""

    confirmed = forms.BooleanField(
        label="Confirmo: esta ação não pode ser desfeita.",
        error_messages={"required": CONFIRMATION_REQUIRED},
    )
    reason = forms.CharField(
        label="Motivo", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, reason_required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reason_required = reason_required

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if self.reason_required and not reason:
            raise ValidationError(REASON_REQUIRED)
        return reason

    def error_text(self) -> str:
        """The errors as one sentence, for a message on the page the person came from."""
        return " ".join(e for errors in self.errors.values() for e in errors)


def confirmation_refused(request: HttpRequest, *, reason_required: bool = False) -> bool:
    """True, with the reason why as an error message for the next page, when the post lacks
    the confirmation (or the reason); the view then redirects without writing anything."""
    form = ConfirmForm(request.POST, reason_required=reason_required)
    if form.is_valid():
        return False
    messages.error(request, form.error_text())
    return True
