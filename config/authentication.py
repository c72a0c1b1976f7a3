"""API authentication: DRF's token check, tuned for scoped endpoints.

A module of its own: DRF imports the authentication classes while loading its views, so they cannot
live beside the exception handler in ``config.api``.
"""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication


class TokenAuthentication(DRFTokenAuthentication):
    """DRF's token check, reading the user's region in the same query.

    Every scoped endpoint reads ``user.region`` right after authentication; joining it here saves a
    query on each API request.
    """

    def authenticate_credentials(self, key):
        token = self.get_model().objects.select_related("user__region").filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # refused, with DRF's own messages
        return token.user, token
