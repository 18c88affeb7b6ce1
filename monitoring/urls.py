from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("chamados/", views.ticket_list_view, name="ticket-list"),
    path("chamados/<int:pk>/", views.ticket_detail_view, name="ticket-detail"),
    path("chamados/<int:pk>/recebimento", views.ticket_acknowledge_view, name="ticket-acknowledge"),
    path("chamados/<int:pk>/restabelecimento", views.ticket_restore_view, name="ticket-restore"),
    path("indisponibilidades/", views.outage_list_view, name="outage-list"),
    path(
        "indisponibilidades/classificar",
        views.outage_classify_bulk_view,
        name="outage-classify-bulk",
    ),
    path("indisponibilidades/<int:pk>/", views.outage_detail_view, name="outage-detail"),
    path(
        "indisponibilidades/<int:pk>/classificar",
        views.outage_classify_view,
        name="outage-classify",
    ),
    path("indisponibilidades/<int:pk>/dividir", views.outage_split_view, name="outage-split"),
    path("indisponibilidades/<int:pk>/contestar", views.dispute_file_view, name="dispute-file"),
    path(
        "indisponibilidades/<int:pk>/contestacoes/<int:dispute_pk>/decidir",
        views.dispute_decide_view,
        name="dispute-decide",
    ),
    path("manutencoes/", views.maintenance_list_view, name="maintenance-list"),
    path("manutencoes/solicitar", views.maintenance_request_view, name="maintenance-request"),
    path("manutencoes/<int:pk>/decidir", views.maintenance_decide_view, name="maintenance-decide"),
]
