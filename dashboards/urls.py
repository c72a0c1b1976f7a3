from django.urls import path, register_converter

from dashboards import views


class RegionCodeConverter:
    regex = "[0-9]{6,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region")

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("record/", views.my_record, name="my_record"),
    path("record/<int:pk>/", views.deputy_record, name="deputy_record"),
    path("<region:code>/", views.region_dashboard, name="region"),
    path("<region:code>/export.xlsx", views.export, name="export"),
    path("<region:code>/list/<slug:figure>/", views.figure_list, name="list"),
    path("<region:code>/hot/<int:pk>/", views.hot_issue, name="hot_issue"),
]
