from rest_framework.routers import SimpleRouter

from residents import api

router = SimpleRouter()
router.register("resident-messages", api.ResidentMessageViewSet, basename="resident-message")
router.register("hot-issues", api.HotIssueViewSet, basename="hot-issue")

urlpatterns = router.urls
