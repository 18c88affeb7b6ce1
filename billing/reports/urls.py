from django.urls import path

from billing.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index_view, name="index"),
    path("resumo/", views.summary_view, name="summary"),
    path("resumo.pdf", views.summary_pdf_view, name="summary-pdf"),
    path("<str:label>/", views.report_month_view, name="month"),
    path("<str:label>/gerar", views.report_archive_view, name="month-archive"),
    path("<str:label>/<slug:code>/", views.report_view, name="report"),
    path("<str:label>/<slug:code>/relatorio.pdf", views.report_pdf_view, name="report-pdf"),
    path("<str:label>/<slug:code>/atestar", views.report_attest_view, name="report-attest"),
]
