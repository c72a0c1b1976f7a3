"""Trust the reverse proxy's ``X-Forwarded-Proto`` only from the proxy itself.

With ``SECURE_PROXY_SSL_HEADER=true`` Django believes any client that sends the header. Where the
deployment lists its proxies (``TRUSTED_PROXIES``, addresses as gunicorn sees them), this middleware
drops the header from every other peer before Django reads it. With no list, gunicorn must be
reachable only through the proxy (bind it to 127.0.0.1 or a private interface).
"""

from __future__ import annotations

from django.conf import settings


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = settings.TRUSTED_PROXIES
        if trusted and request.META.get("REMOTE_ADDR") not in trusted:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
            request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)
