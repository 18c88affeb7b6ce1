from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from people import views as people_views
from portal import metrics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),  # token or address only (404)
    path("entrar/", auth_views.LoginView.as_view(), name="login"),
    path("sair/", people_views.LogoutView.as_view(), name="logout"),
    path("entrar/governo/", include("people.sso_urls")),  # single sign-on (404 when off)
    path("acessos/", include("inventory.urls")),
    path("", include("monitoring.urls")),  # chamados/, indisponibilidades/, manutencoes/
    path("ordens/", include("orders.urls")),
    path("faturamento/", include("billing.urls")),
    path("faturamento/", include("billing.invoices.urls")),  # faturas/ and <competência>/faturas/
    path("imr/", include("sla.urls")),
    path("multas/", include("penalties.urls")),
    path("relatorios/", include("billing.reports.urls")),
    path("mensagens/", include("outbox.urls")),  # nao-entregues/: the outbox's dead letters
    path("", include("people.urls")),  # convite/<token>/, pessoas/...
    path("", include("api.urls")),  # api/v1/, api/schema/, api/docs/, tokens-de-api/
    path("admin/", admin.site.urls),
]
