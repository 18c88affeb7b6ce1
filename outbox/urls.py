from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("nao-entregues/", views.dead_list_view, name="dead-list"),
    path("<int:pk>/tentar-de-novo", views.message_retry_view, name="message-retry"),
    path("<int:pk>/cancelar", views.message_cancel_view, name="message-cancel"),
]
