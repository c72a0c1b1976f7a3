from django.urls import path

from liaison_stations import views

app_name = "liaison_stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("new/", views.station_create, name="create"),
    path("coverage/", views.coverage, name="coverage"),
    path("standards/", views.standard_items, name="standard_items"),
    path("standards/new/", views.standard_item_create, name="standard_item_create"),
    path("standards/<int:pk>/edit/", views.standard_item_edit, name="standard_item_edit"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/checklist/", views.checklist_edit, name="checklist"),
    path("<int:pk>/schedule/", views.reception_schedule, name="schedule"),
    path("<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("<int:pk>/receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/edit/", views.reception_edit, name="reception_edit"),
    path("receptions/<int:pk>/delete/", views.reception_delete, name="reception_delete"),
]
