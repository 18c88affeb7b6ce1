from django.urls import path

from monitoring import panel_views, views

app_name = "monitoring"
urlpatterns = [
    path("chamados/", views.ticket_list_view, name="ticket-list"),
    path("chamados/<int:pk>/", views.ticket_detail_view, name="ticket-detail"),
    path("chamados/<int:pk>/recebimento", views.ticket_acknowledge_view, name="ticket-acknowledge"),
    path("chamados/<int:pk>/restabelecimento", views.ticket_restore_view, name="ticket-restore"),
    path("indisponibilidades/", views.outage_list_view, name="outage-list"),
    path("indisponibilidades/exportar.<slug:fmt>", views.outage_export_view, name="outage-export"),
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
        "indisponibilidades/<int:pk>/contestacoes/anexos/<int:attachment_pk>",
        views.dispute_attachment_view,
        name="dispute-attachment",
    ),
    path(
        "indisponibilidades/<int:pk>/contestacoes/<int:dispute_pk>/decidir",
        views.dispute_decide_view,
        name="dispute-decide",
    ),
    path("manutencoes/", views.maintenance_list_view, name="maintenance-list"),
    path("manutencoes/solicitar", views.maintenance_request_view, name="maintenance-request"),
    path("manutencoes/<int:pk>/decidir", views.maintenance_decide_view, name="maintenance-decide"),
    # The incident panel, the map, agencies' subscriptions and reports (issue 5).
    path("painel/", panel_views.panel_view, name="panel"),
    path("painel/itens", panel_views.panel_items_view, name="panel-items"),
    path("painel/anotar", panel_views.panel_note_view, name="panel-note"),
    path("painel/avisos", panel_views.subscription_view, name="panel-subscription"),
    path("irregularidades/", panel_views.irregularity_list_view, name="irregularity-list"),
    path("irregularidades/nova", panel_views.irregularity_new_view, name="irregularity-new"),
    path(
        "irregularidades/<int:pk>/",
        panel_views.irregularity_detail_view,
        name="irregularity-detail",
    ),
    path(
        "irregularidades/<int:pk>/responder",
        panel_views.irregularity_answer_view,
        name="irregularity-answer",
    ),
    path(
        "irregularidades/<int:pk>/anexos/<int:attachment_pk>",
        panel_views.irregularity_attachment_view,
        name="irregularity-attachment",
    ),
    path(
        "acessos/<int:pk>/monitoramento",
        panel_views.link_monitoring_view,
        name="link-monitoring",
    ),
]
