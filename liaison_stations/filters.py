"""Filters of the station list (page and API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from config.filters import BooleanFilter, IdFilter
from liaison_stations.models import LiaisonStation, ReceptionDay, StationKind
from regions.models import Region


def _within(queryset, code: str, field: str = "region"):
    region = Region.objects.filter(code=code.strip()).only("prefix").first()
    return queryset.none() if region is None else queryset.filter(**{f"{field}__prefix__startswith": region.prefix})


class StationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=StationKind.choices)
    region = django_filters.CharFilter(label=_("所在区划代码"), method="filter_region")
    active = BooleanFilter(label=_("启用"))

    class Meta:
        model = LiaisonStation
        fields = ["q", "kind", "region", "active"]

    def filter_region(self, queryset, name, value):
        return _within(queryset, value)


class ReceptionDayFilter(django_filters.FilterSet):
    station = IdFilter(field_name="station_id")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    region = django_filters.CharFilter(method="filter_region")

    class Meta:
        model = ReceptionDay
        fields = ["station", "date_from", "date_to", "region"]

    def filter_region(self, queryset, name, value):
        return _within(queryset, value, "station__region")
