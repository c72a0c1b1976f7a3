"""``GET /api/v1/ping/``: the benchmark's reference endpoint.

Kept out of ``config/api.py``: DRF imports that module while it loads its own views (the pagination
setting), so a view defined there would import DRF's views half-initialised.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    """``{"pong": true}`` with no authentication, no throttle and no database access.

    ``make bench`` divides each list endpoint's requests per second by this one's on the same
    server; it doubles as a cheap probe that a web process answers.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(responses=inline_serializer("Pong", {"pong": serializers.BooleanField()}))
    def get(self, request):
        return Response({"pong": True})
