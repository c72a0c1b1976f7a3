"""API authentication: DRF's token check, tuned for scoped endpoints.

A module of its own: DRF imports the authentication classes while loading its views, so they cannot
live beside the exception handler in ``config.api``.
"""

from __future__ import annotations

import hashlib

from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication

from config import freshness


class TokenAuthentication(DRFTokenAuthentication):
    """DRF's token check, reading the user's region in the same query.

    Every scoped endpoint reads ``user.region`` right after authentication; joining it here saves a
    query on each API request. The token, its user and the region are then kept in the cache under
    the token's hash (``config.freshness``) until one of their tables is written: a revoked token, a
    deactivated user or a moved region is read afresh from the database at the next request.
    """

    def authenticate_credentials(self, key):
        found = freshness.cached("fresh:token:" + hashlib.sha256(key.encode()).hexdigest(), lambda: self._lookup(key))
        if found is None or not found[0].is_active:
            return super().authenticate_credentials(key)  # refused, with DRF's own messages
        return found

    def _lookup(self, key):
        # Without the password hash: the kept entry goes to Redis, and a token check never needs it
        # (reading ``user.password`` would load it; ``save()`` leaves a field it never loaded alone).
        token = self.get_model().objects.select_related("user__region").defer("user__password").filter(key=key).first()
        return None if token is None else (token.user, token)
