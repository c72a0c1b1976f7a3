from django.urls import path

from deputies import views

app_name = "deputies"

urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("export/", views.deputy_export, name="export"),
    path("import/", views.roster_import, name="import"),
    path("import/template/", views.roster_template, name="import_template"),
    path("import/errors/", views.roster_import_errors, name="import_errors"),
    path("import/jobs/<int:pk>/", views.roster_import_job, name="import_job"),
    path("import/jobs/<int:pk>/status/", views.roster_import_job_status, name="import_job_status"),
    path("import/jobs/<int:pk>/errors/", views.roster_import_job_errors, name="import_job_errors"),
    path("new/", views.deputy_create, name="create"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
    path("<int:pk>/mandates/new/", views.mandate_create, name="mandate_create"),
    path("mandates/<int:pk>/edit/", views.mandate_edit, name="mandate_edit"),
    path("mandates/<int:pk>/delete/", views.mandate_delete, name="mandate_delete"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", views.membership_create, name="membership_create"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path("memberships/<int:pk>/delete/", views.membership_delete, name="membership_delete"),
]
