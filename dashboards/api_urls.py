from django.urls import path
from rest_framework.routers import SimpleRouter

from dashboards.api import DashboardView, OwnDashboardView

router = SimpleRouter()

urlpatterns = router.urls + [
    path("dashboard/", OwnDashboardView.as_view(), name="api-dashboard-own"),
    path("dashboard/<str:code>/", DashboardView.as_view(), name="api-dashboard"),
]
