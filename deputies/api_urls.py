from rest_framework.routers import SimpleRouter

from deputies.api import DeputyViewSet, GroupViewSet, MandateViewSet, MembershipViewSet

router = SimpleRouter()
router.register("deputies", DeputyViewSet, basename="deputy")
router.register("mandates", MandateViewSet, basename="mandate")
router.register("deputy-groups", GroupViewSet, basename="deputy-group")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = router.urls
