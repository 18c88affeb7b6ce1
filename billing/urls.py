from django.urls import path, register_converter

from billing import views


class MonthConverter:
    """A competência in the URL as statements name it: 2026-10."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "month")

app_name = "billing"
urlpatterns = [
    path("", views.period_list_view, name="period-list"),
    path("calcular", views.period_compute_view, name="period-compute"),
    path("<month:label>/", views.period_overview_view, name="period-overview"),
    path("<month:label>/fechar", views.period_close_view, name="period-close"),
    path("<month:label>/demonstrativo/", views.statement_view, name="statement"),
    path(
        "<month:label>/demonstrativo/exportar.<slug:fmt>",
        views.statement_export_view,
        name="statement-export",
    ),
    path("linhas/<int:pk>/", views.line_detail_view, name="line-detail"),
    path("tarefas/<int:pk>/", views.job_view, name="job"),
    path("tarefas/<int:pk>/arquivo", views.job_file_view, name="job-file"),
]
