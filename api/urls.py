from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from api import token_views, views

router = SimpleRouter()
router.register("links", views.LinkViewSet, basename="link")
router.register("orders", views.OrderViewSet, basename="order")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("outages", views.OutageViewSet, basename="outage")
router.register("maintenance-windows", views.MaintenanceWindowViewSet, basename="maintenance")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("imr", views.ImrViewSet, basename="imr")
router.register("proceedings", views.ProceedingViewSet, basename="proceeding")

app_name = "api"
urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc writes its styles inline and renders in a blob worker: its page alone allows both.
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    path("tokens-de-api/", token_views.token_list_view, name="token-list"),
    path("tokens-de-api/<int:pk>/revogar", token_views.token_revoke_view, name="token-revoke"),
    re_path(r"^api/(?P<path>.*)$", views.not_found, name="not-found"),
]
