from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import navigation
from config.errors import forbidden, not_found, server_error
from config.offline import service_worker
from config.ping import PingView
from health.views import healthz


def _superusers_only(request) -> bool:
    # The admin is for superusers; offices work through the product's own pages.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = gettext_lazy("代表行动 · 系统管理")

api_v1 = [
    path("ping/", PingView.as_view(), name="api-ping"),
    path("", include("accounts.api_urls")),
    path("", include("regions.api_urls")),
    path("", include("deputies.api_urls")),
    path("", include("liaison_stations.api_urls")),
    path("", include("activities.api_urls")),
    path("", include("suggestions.api_urls")),
    path("", include("residents.api_urls")),
    path("", include("dashboards.api_urls")),
    path("", include("duty.api_urls")),
]

urlpatterns = [
    path("", navigation.home, name="home"),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("sw.js", service_worker, name="service_worker"),
    path("deputies/", include("deputies.urls")),
    path("stations/", include("liaison_stations.urls")),
    path("activities/", include("activities.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("voice/", include("residents.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("duty/", include("duty.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]


# The views themselves (not dotted strings), so the URLconf names the handlers it serves.
handler404 = not_found
handler403 = forbidden
handler500 = server_error
