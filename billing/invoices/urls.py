from django.urls import path

from billing.invoices import views

app_name = "invoices"
urlpatterns = [
    path("faturas/leiautes/", views.layout_list_view, name="layout-list"),
    path("faturas/leiautes/<int:carrier_pk>/", views.layout_edit_view, name="layout-edit"),
    path("<month:label>/faturas/", views.invoice_list_view, name="invoice-list"),
    path("<month:label>/faturas/importar", views.invoice_import_view, name="invoice-import"),
    path("faturas/<int:pk>/", views.invoice_detail_view, name="invoice-detail"),
    path("faturas/<int:pk>/conferir", views.invoice_reconcile_view, name="invoice-reconcile"),
    path("divergencias/<int:pk>/<slug:to>", views.difference_move_view, name="difference-move"),
]
