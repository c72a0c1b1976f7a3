from rest_framework.routers import SimpleRouter

from suggestions import api

router = SimpleRouter()
router.register("suggestions", api.SuggestionViewSet, basename="suggestion")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("calendar", api.CalendarViewSet, basename="calendar")
router.register("notifications", api.NotificationViewSet, basename="notification")

urlpatterns = router.urls
