"""Duty points in the API: ``GET /api/v1/duty-points/?year=YYYY``, the reader's scorecards highest first."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView

from config.pagination import Pagination
from deputies.models import Deputy
from duty import selectors


class DutyLineSerializer(serializers.Serializer):
    kind = serializers.CharField(source="target_kind", help_text=gettext_lazy("得分来源：activity / suggestion / message / report_meeting / office_entry"))
    id = serializers.IntegerField(source="target_id", help_text=gettext_lazy("得分来源的 id"))
    rule = serializers.CharField(help_text=gettext_lazy("积分项目"))
    date = serializers.DateField()
    points = serializers.FloatField()
    capped = serializers.BooleanField(help_text=gettext_lazy("已达年度上限，本条不再加分"))


class DutyPointsSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField()
    congress = serializers.CharField(source="scheme.congress_region.name", help_text=gettext_lazy("按哪一级人大的积分办法计分"))
    level = serializers.CharField()
    points = serializers.FloatField()
    threshold = serializers.FloatField(source="scheme.threshold")
    below_threshold = serializers.BooleanField()
    lines = DutyLineSerializer(many=True)


class DutyPointsView(GenericAPIView):
    """The reader's deputies in scope with their duty points for a year, highest first; each line names
    what earned it. A deputy holding seats in two congresses appears once per congress."""

    serializer_class = DutyPointsSerializer
    pagination_class = Pagination

    def get_queryset(self):
        # The scorecards are computed, not a queryset; the schema generator only asks for the model.
        return Deputy.objects.none()

    @extend_schema(
        operation_id="duty_points_list",
        # The latest year as of the process's start: a schema a year stale only under-promises.
        parameters=[OpenApiParameter(
            "year", {"type": "integer", "minimum": selectors.EARLIEST_YEAR, "maximum": selectors.this_year() + 1},
            description=gettext_lazy("年度，缺省为今年"),
        )],
        responses=DutyPointsSerializer(many=True),
    )
    def get(self, request):
        try:
            year = selectors.parse_year(request.query_params.get("year"))
        except ValueError:
            raise ValidationError({"year": [_("请填写有效的年度，如 2026。")]}) from None
        cards = selectors.ranking(request.user, year)
        page = self.paginate_queryset(cards)
        selectors.with_lines(page, year)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
