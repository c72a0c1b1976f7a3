"""Sign-in plumbing shared by the login page and the API token exchange."""

from __future__ import annotations

from django.conf import settings

# Longer than any username can be (AbstractUser allows 150), shorter than the lock-out table's column.
LOCKOUT_USERNAME_LENGTH = 150


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
        value = getattr(request, "data", request.POST).get(field)
    if value is None:
        return None
    return str(value)[:LOCKOUT_USERNAME_LENGTH]
