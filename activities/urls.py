from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="visit"),
    path("export.xlsx", views.activity_export, name="export"),
    path("deleted/", views.deleted_activities, name="deleted"),
    path("deputy-search/", views.deputy_search, name="deputy_search"),
    path("deputy-roster/", views.deputy_roster, name="deputy_roster"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/photos/<int:photo_pk>/", views.activity_photo, name="photo"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign_delete"),
]
