import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_redirect_anonymous_users_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_logs_in_and_sees_their_role(client, xuanen_office):
    response = client.post(reverse("login"), {"username": "xuanen", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "县(市)人大常委会" in body and "宣恩县" in body


def test_many_failures_lock_the_login_with_a_clear_message(client, xuanen_office, settings):
    settings.LOGIN_DELAY_AFTER = 10_000  # the lock on its own; the growing delays: tests/security/test_lockout.py
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "xuanen", "password": "wrong"})
    # even the right password is refused now
    response = client.post(reverse("login"), {"username": "xuanen", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, xuanen_office, settings):
    settings.LOGIN_DELAY_AFTER = 10_000
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "xuanen", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "xuanen", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_a_post(client_as, xuanen_office):
    c = client_as(xuanen_office)
    assert c.post(reverse("logout")).status_code == 302
    assert c.get(reverse("home")).status_code == 302


def test_the_admin_is_for_superusers_only(client_as, tree):
    from tests.factories.accounts import UserFactory

    staff = UserFactory(username="staffer", is_staff=True, region=tree.xuanen)
    assert client_as(staff).get("/admin/").status_code == 302
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert client_as(root).get("/admin/").status_code == 200


def test_password_change_validates_the_new_password(client_as, xuanen_office):
    c = client_as(xuanen_office)
    response = c.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    xuanen_office.refresh_from_db()
    assert xuanen_office.check_password(PASSWORD)
