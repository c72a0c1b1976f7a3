from rest_framework.routers import SimpleRouter

from activities.api import ActivityViewSet, CampaignViewSet

router = SimpleRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = router.urls
