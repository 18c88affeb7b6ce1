from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list_view, name="order-list"),
    path("exportar.<slug:fmt>", views.order_export_view, name="order-export"),
    path("cumprimento-de-prazos/", views.order_compliance_view, name="order-compliance"),
    path("nova/<slug:kind>/", views.order_create_view, name="order-create"),
    path("<int:pk>/", views.order_detail_view, name="order-detail"),
    path("<int:pk>/acao/", views.order_transition_view, name="order-transition"),
    path(
        "<int:pk>/eventos/<int:event_pk>/anexo",
        views.order_attachment_view,
        name="order-attachment",
    ),
]
