from django.urls import path

from inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.link_list_view, name="link-list"),
    path("exportar.<slug:fmt>", views.link_export_view, name="link-export"),
    path("<int:pk>/", views.link_detail_view, name="link-detail"),
]
