from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("convite/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("pessoas/convites/", views.invitation_list_view, name="invitation-list"),
    path(
        "pessoas/convites/<int:pk>/reenviar", views.invitation_resend_view, name="invitation-resend"
    ),
    path(
        "pessoas/convites/<int:pk>/revogar", views.invitation_revoke_view, name="invitation-revoke"
    ),
    path("conta/", views.account_view, name="account"),
    path("conta/sair-de-todas", views.sessions_end_view, name="sessions-end"),
    path("conta/segundo-fator/", views.otp_setup_view, name="otp-setup"),
    path("conta/verificar/", views.otp_verify_view, name="otp-verify"),
    path("conta/codigos-de-recuperacao", views.recovery_codes_view, name="otp-recovery"),
    path("senha/esqueci/", views.password_reset_view, name="password-reset"),
    path("senha/esqueci/enviado/", views.password_reset_done_view, name="password-reset-done"),
    path(
        "senha/redefinir/<uidb64>/<token>/",
        views.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
    path("senha/redefinida/", views.password_reset_complete_view, name="password-reset-complete"),
]
