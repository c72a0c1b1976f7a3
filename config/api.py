"""API plumbing shared by every app: pagination and one error format.

Every error is JSON that names the problem: ``{"field": ["message"]}`` for bad input,
``{"detail": "...", "code": "..."}`` otherwise.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.exceptions import Conflict, PermissionRefused


class CountKeepingPaginator(DjangoPaginator):
    """Counts a list exactly, and keeps a large count for a few seconds.

    Counting a province's million activities costs more than reading the page of 50 itself, and a
    client paging through a list asks the same count again and again. A count of at least
    ``API_COUNT_CACHE_MIN`` rows is kept for ``API_COUNT_CACHE_SECONDS`` under the count query's own
    SQL (which carries the user's scope and filters); smaller lists are always counted afresh.
    """

    @cached_property
    def count(self) -> int:
        seconds = settings.API_COUNT_CACHE_SECONDS
        key = None
        if seconds:
            try:
                sql, params = self.object_list.query.sql_with_params()
                key = "api:count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
            except (AttributeError, EmptyResultSet):
                key = None
        if key and (kept := cache.get(key)) is not None:
            return kept
        value = super().count
        if key and value >= settings.API_COUNT_CACHE_MIN:
            cache.set(key, value, seconds)
        return value


class Pagination(PageNumberPagination):
    django_paginator_class = CountKeepingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionRefused):
        return Response({"detail": exc.message, "code": "permission_denied"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
            body = {("non_field_errors" if k == "__all__" else k): v for k, v in body.items()}
        else:
            body = {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", "error")
    return response
