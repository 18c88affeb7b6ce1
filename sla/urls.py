from django.urls import path

from sla import views

app_name = "sla"
urlpatterns = [
    path("", views.result_list_view, name="result-list"),
    path("exportar.<slug:fmt>", views.result_export_view, name="result-export"),
    path("relatorio.pdf", views.report_pdf_view, name="report-pdf"),
    path("definicoes/", views.definition_list_view, name="definition-list"),
    path(
        "definicoes/<int:contract_id>/<slug:code>/alterar",
        views.definition_change_view,
        name="definition-change",
    ),
    path("painel/", views.dashboard_view, name="dashboard"),
    path("comite/", views.committee_view, name="committee"),
    path("reincidencias/", views.flag_list_view, name="flag-list"),
    path("reincidencias/<int:pk>/", views.flag_detail_view, name="flag-detail"),
]
