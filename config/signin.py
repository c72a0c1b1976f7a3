"""Sign-in plumbing shared by the login page and the API token exchange."""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

# Longer than any username can be (AbstractUser allows 150), shorter than the lock-out table's column.
LOCKOUT_USERNAME_LENGTH = 150
# How long a username's failures are remembered for the growing delay.
LOGIN_FAILURE_MEMORY = 24 * 3600


def lockout_username(request, credentials: dict | None = None) -> str | None:
    """The username django-axes counts failures against, cut to a length a username can have.

    Neither Django's login form nor DRF's token serializer limits the length of what is typed, and
    axes writes it into a 255-character column: on PostgreSQL a 300-character username was a 500.
    Cutting it keeps the lock-out working (no real username is that long) and the page answering.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        data = getattr(request, "data", request.POST)
        # A JSON body need not be an object ([null, null] is valid JSON): no username then.
        value = data.get(field) if hasattr(data, "get") else None
    if value is None:
        return None
    return str(value)[:LOCKOUT_USERNAME_LENGTH]


# --- growing delays per username --------------------------------------------------------------------
#
# After LOGIN_DELAY_AFTER failed sign-ins for one username (from any address), each further attempt
# must wait 1, 2, 4 … up to LOGIN_DELAY_MAX seconds after the last failure; the password is not even
# checked meanwhile. Guessing spread over many addresses is slowed as much as guessing from one, and a
# stranger on the user's network can cost them a minute, not half an hour. The hard lock-out (axes,
# by username) comes only after AXES_FAILURE_LIMIT failures: at these delays, a quarter of an hour of
# persistent guessing. A successful sign-in clears the count.


def _keys(username: str) -> tuple[str, str]:
    digest = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
    return f"signin:failures:{digest}", f"signin:wait:{digest}"


def login_wait(username: str | None) -> int:
    """Seconds this username must still wait before its next attempt (0: go ahead)."""
    if not username:
        return 0
    until = cache.get(_keys(username)[1])
    if not until:
        return 0
    return max(0, math.ceil(until - time.time()))


def record_failure(username: str | None) -> None:
    if not username:
        return
    failures_key, wait_key = _keys(username)
    try:
        failures = cache.incr(failures_key)
    except ValueError:
        cache.set(failures_key, 1, LOGIN_FAILURE_MEMORY)
        failures = 1
    if failures >= settings.LOGIN_DELAY_AFTER:
        delay = min(2 ** (failures - settings.LOGIN_DELAY_AFTER), settings.LOGIN_DELAY_MAX)
        cache.set(wait_key, time.time() + delay, delay + 1)


def clear_failures(username: str | None) -> None:
    if username:
        cache.delete_many(list(_keys(username)))


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **_kwargs):
    record_failure(lockout_username(request, credentials) if credentials else None)


@receiver(user_logged_in)
def _forget_failures(sender, request, user, **_kwargs):
    clear_failures(user.get_username()[:LOCKOUT_USERNAME_LENGTH])


def wait_message(seconds: int) -> str:
    return _("登录失败次数较多，请 %(n)d 秒后再试。") % {"n": seconds}


def locked_message() -> str:
    return _("该账号因多次登录失败已被暂时锁定，请稍后再试或联系管理员解锁。")


def is_locked(request, username: str | None) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    if not username or not settings.AXES_ENABLED:
        return False
    return AxesProxyHandler.is_locked(request, credentials={settings.AXES_USERNAME_FORM_FIELD: username})


class LoginView(auth_views.LoginView):
    """Django's login page, refusing (429) a username that must still wait after failed attempts."""

    def post(self, request, *args, **kwargs):
        username = lockout_username(request)
        wait = login_wait(username)
        if wait:
            form = self.get_form()
            form.is_bound = True
            form._errors, form.cleaned_data = ErrorDict(), {}  # no password check while waiting
            form.add_error(None, wait_message(wait))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)
