from django.urls import path

from duty import views

app_name = "duty"

urlpatterns = [
    path("", views.home, name="home"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export.xlsx", views.ranking_export, name="ranking_export"),
    path("rules/<int:year>/", views.rules, name="rules"),
    path("rules/<int:year>/start/", views.rules_start, name="rules_start"),
    path("entries/", views.entries, name="entries"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("me/", views.my_record, name="my_record"),
    path("deputies/<int:pk>/", views.deputy_record, name="deputy_record"),
    path("deputies/<int:pk>/public/", views.public_toggle, name="public_toggle"),
    path("deputies/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("deputies/<int:pk>/report/", views.report_edit, name="report_edit"),
    path("deputies/<int:pk>/report.docx", views.report_download, name="report_download"),
    path("p/<int:pk>/", views.public_deputy, name="public_deputy"),
]
