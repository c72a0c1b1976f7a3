from rest_framework.routers import SimpleRouter

from liaison_stations.api import (
    AssignmentViewSet,
    ReceptionDayViewSet,
    StandardItemViewSet,
    StationStandardViewSet,
    StationViewSet,
)

router = SimpleRouter()
router.register("stations", StationViewSet, basename="station")
router.register("standard-items", StandardItemViewSet, basename="standard-item")
router.register("station-standards", StationStandardViewSet, basename="station-standard")
router.register("station-assignments", AssignmentViewSet, basename="station-assignment")
router.register("reception-days", ReceptionDayViewSet, basename="reception-day")

urlpatterns = router.urls
