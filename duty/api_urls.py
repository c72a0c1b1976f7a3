from django.urls import path

from duty.api import DutyPointsView

urlpatterns = [path("duty-points/", DutyPointsView.as_view(), name="api-duty-points")]
