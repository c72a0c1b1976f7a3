from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import history
from config.signin import LoginView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("history/<str:model>/<int:pk>/", history.history, name="history"),
]
