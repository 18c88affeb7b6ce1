from django.urls import path

from penalties import views

app_name = "penalties"
urlpatterns = [
    path("", views.proceeding_list_view, name="proceeding-list"),
    path("exportar.<slug:fmt>", views.proceeding_export_view, name="proceeding-export"),
    path("novo/", views.proceeding_open_view, name="proceeding-open"),
    path(
        "da-reincidencia/<int:flag_pk>/",
        views.proceeding_from_flag_view,
        name="proceeding-from-flag",
    ),
    path("multas/", views.fines_report_view, name="fines-report"),
    path("multas/exportar.<slug:fmt>", views.fines_report_export_view, name="fines-report-export"),
    path("<int:pk>/", views.proceeding_detail_view, name="proceeding-detail"),
    path("<int:pk>/acao/", views.proceeding_transition_view, name="proceeding-transition"),
    path("<int:pk>/parecer/", views.opinion_add_view, name="opinion-add"),
    path(
        "<int:pk>/documentos/<int:document_pk>/",
        views.document_download_view,
        name="document-download",
    ),
    path("<int:pk>/notificacoes/<int:event_pk>.pdf", views.notice_pdf_view, name="notice-pdf"),
]
