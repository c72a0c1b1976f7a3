from django.urls import path

from residents import views

app_name = "residents"

urlpatterns = [
    path("s/<str:key>/", views.public_form, name="public_form"),
    path("q/<str:token>.svg", views.challenge_picture, name="challenge_picture"),
    path("m/<str:token>/", views.follow_up, name="follow_up"),
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("held/review/", views.review_held, name="review_held"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("stations/<int:station_pk>/poster/", views.poster, name="poster"),
    path("stations/<int:station_pk>/qr.svg", views.poster_qr, name="poster_qr"),
    path("hot/", views.hot_issues, name="hot_issues"),
    path("hot/<int:pk>/", views.hot_issue_detail, name="hot_detail"),
    path("hot/export.xlsx", views.hot_issues_export, name="hot_export"),
]
