"""API list pagination: page numbers, without an exact ``COUNT(*)`` over a province's rows on every page.

Counting a million activities costs more than reading the page of 50 itself. So a page reads one row
more than it shows (that row says whether there is a next page), and the count is

- exact and free when the list ends on this page (the rows before it plus the rows on it);
- otherwise PostgreSQL's own estimate (``EXPLAIN``, no rows read) when that is at least
  ``API_EXACT_COUNT_MAX`` rows, shown as "约 12 万条";
- otherwise, or when the client asks with ``count=exact``, an exact ``COUNT(*)``.

Every page carries ``count_exact`` (whether ``count`` is exact) and ``count_text`` (the count in words).

The paging parameters are checked, not guessed at: ``page`` and ``page_size`` must be whole numbers from 1
(``page_size`` at most ``max_page_size``) and ``count`` may only be ``exact``; anything else is a 400 naming
the parameter, as the schema says. A page past the last one is a 404.
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db import DatabaseError, connections
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# The largest OFFSET PostgreSQL accepts (a bigint); SQLite binds no larger integer either.
MAX_OFFSET = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")


def estimated_count(queryset) -> int | None:
    """PostgreSQL's estimate of how many rows ``queryset`` has (the planner's, from table statistics);
    None where there is no estimate (another database, a query that cannot be explained)."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        # The rows' ids only: the scope, filters and joins that decide the count, not the columns.
        plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    except (EmptyResultSet, DatabaseError, TypeError, ValueError):
        return None
    return int(plan[0]["Plan"]["Plan Rows"])


def count_text(count: int, *, exact: bool) -> str:
    """"共 37 条" when exact; "约 12 万条" (two significant figures) when estimated."""
    if exact:
        return _("共 %(count)s 条") % {"count": count}
    if count < 10_000:
        rounded = _round(count)
        return _("约 %(count)s 条") % {"count": rounded}
    wan = _round(count) / 10_000
    return _("约 %(count)s 万条") % {"count": f"{wan:g}"}


def _round(count: int) -> int:
    if count < 100:
        return count
    magnitude = 10 ** (int(math.log10(count)) - 1)
    return int(round(count / magnitude) * magnitude)


class EstimatingPaginator(DjangoPaginator):
    """A Django paginator that reads a page before it counts, and counts only when it must."""

    def __init__(self, *args, exact: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.exact = exact
        self.count_exact = True

    def page(self, number):
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if not more:
            self.__dict__["count"] = bottom + len(rows)
        elif not self.exact and (estimate := estimated_count(self.object_list)) is not None \
                and estimate >= settings.API_EXACT_COUNT_MAX:
            # Never fewer than the rows known to exist, so the next page's link is there.
            self.__dict__["count"] = max(estimate, bottom + len(rows) + 1)
            self.count_exact = False
        return Page(rows, number, self)

    def validate_number_format(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        # A page whose rows would start past the largest offset the database takes (a signed 64-bit
        # integer) has no rows: the same "invalid page" 404 as any page past the end, not a 500.
        if number > MAX_OFFSET // self.per_page:
            raise EmptyPage(self.error_messages["no_results"])
        return number


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count_query_param = "count"
    # No ``page=last``: the schema says a page is a number, and a number is what is accepted.
    last_page_strings = ()
    django_paginator_class = EstimatingPaginator

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return _whole_number(raw, self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        count = request.query_params.get(self.count_query_param)
        if count is not None and count != "exact":
            raise ValidationError({self.count_query_param: [_("count 只能是 exact（精确计数）。")]})
        paginator.exact = count == "exact"
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        return _whole_number(raw, self.page_query_param, maximum=MAX_OFFSET)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_exact": paginator.count_exact,
            "count_text": count_text(paginator.count, exact=paginator.count_exact),
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": {**response["properties"]["count"], "description": "Exact, or PostgreSQL's estimate when count_exact is false."},
            "count_exact": {"type": "boolean", "description": "Whether count is exact (ask with count=exact)."},
            "count_text": {"type": "string", "example": "约 12 万条"},
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = ["count", "count_exact", "count_text", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_OFFSET},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {**parameter["schema"], **bounds.get(parameter["name"], {})}
        return [
            *parameters,
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "exact: count the rows exactly even when the list is large (slower).",
                "schema": {"type": "string", "enum": ["exact"]},
            },
        ]


def _whole_number(raw: str, name: str, *, maximum: int) -> int:
    """``raw`` as a whole number from 1 to ``maximum``, or a 400 naming the parameter.

    ASCII digits only: ``int`` would also take " 5", "٥" and "1_0", and refuse (ValueError) a string
    of more than 4,300 digits.
    """
    digits = raw.lstrip("0")
    if not _DIGITS.fullmatch(raw) or not digits:
        raise ValidationError({name: [_("%(name)s 必须是不小于 1 的整数。") % {"name": name}]})
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise ValidationError({name: [_("%(name)s 不能大于 %(max)d。") % {"name": name, "max": maximum}]})
    return int(digits)
