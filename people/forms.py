"""People's forms: the password reset (its e-mail goes through the outbox), the second
factor's code."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from outbox.choices import MessageKind
from outbox.services import message_email


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form (it mails only active users with a usable password, and says the
    same whether or not the address is known), sending through the outbox."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        context = {
            **context,
            "portal_url": settings.PORTAL_URL,
            "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        message_email(
            kind=MessageKind.PASSWORD_RESET,
            ref=f"redegov.user:{context['user'].pk}",
            to=[to_email],
            subject=subject,
            body=loader.render_to_string(email_template_name, context),
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Código",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="Os 6 dígitos do aplicativo autenticador, ou um código de recuperação.",
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
