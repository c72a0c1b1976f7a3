"""The dashboard's figures as JSON: the same numbers as the page, for the same filters."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.schema import REFERENCE
from dashboards import selectors
from dashboards.forms import dashboard_filters


class DashboardRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class DashboardFiltersSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("代表行动 id；null 为全部"))
    campaign_title = serializers.CharField(allow_null=True)
    to = serializers.DateField(allow_null=True)
    today = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(allow_null=True)
        return fields


class DashboardChildSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["region", "station"])
    id = serializers.IntegerField()
    code = serializers.CharField(help_text=gettext_lazy("区划代码（联络站为其所在乡镇）"))
    name = serializers.CharField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))


class DashboardCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class DashboardLeagueSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    department_id = serializers.IntegerField()
    name = serializers.CharField()
    suggestions = serializers.IntegerField()
    answers_total = serializers.IntegerField()
    answers_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    ratings_total = serializers.IntegerField()
    ratings_satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DashboardTrendSerializer(serializers.Serializer):
    month = serializers.CharField()
    activities = serializers.IntegerField()
    suggestions = serializers.IntegerField()
    answers = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    region = DashboardRegionSerializer()
    filters = DashboardFiltersSerializer()
    totals = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text=gettext_lazy("指标键 → 数值；比率为百分数"))
    children = DashboardChildSerializer(many=True)
    categories = DashboardCategorySerializer(many=True)
    league = DashboardLeagueSerializer(many=True)
    trend = DashboardTrendSerializer(many=True)


# An empty value is no bound, as on the page's filter form.
DATE_OR_EMPTY = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}
FILTER_PARAMETERS = [
    OpenApiParameter(
        "campaign", {"type": "string", "pattern": r"^(all|[0-9]*)$"}, description=gettext_lazy("代表行动 id，或 all；缺省为当前代表行动"),
    ),
    OpenApiParameter("from", DATE_OR_EMPTY, description=gettext_lazy("开始日期 YYYY-MM-DD")),
    OpenApiParameter("to", DATE_OR_EMPTY, description=gettext_lazy("结束日期 YYYY-MM-DD")),
]


class DashboardView(APIView):
    """One region's dashboard figures (a region inside the caller's scope; outside it: 404)."""

    refused_beyond_schema = {"campaign": f"{REFERENCE}, or a campaign that does not apply to the region", "to": "before from"}

    @extend_schema(operation_id="dashboard_retrieve", parameters=FILTER_PARAMETERS, responses=DashboardSerializer)
    def get(self, request, code: str | None = None):
        region = selectors.dashboard_region(request.user, code)
        filters, form = dashboard_filters(request.query_params, user=request.user, region=region)
        if form.errors:
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        return Response(selectors.dashboard_for(filters))


class OwnDashboardView(DashboardView):
    """The dashboard of the caller's own region."""

    @extend_schema(operation_id="dashboard_own_retrieve", parameters=FILTER_PARAMETERS, responses=DashboardSerializer)
    def get(self, request, code: str | None = None):
        return super().get(request, None)
