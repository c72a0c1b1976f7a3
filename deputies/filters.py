"""Filters of the deputy roster, shared by the list page, the export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from config.filters import BooleanFilter, IdFilter
from deputies.models import Deputy, DeputyGroup, GroupKind, Mandate, MandateLevel
from regions.models import Region

ORDERINGS = {
    "pinyin": ("name_pinyin", "id"),
    "strokes": ("name_stroke_key", "name_pinyin", "id"),
}


class DeputyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名或拼音首字母"), method="filter_q")
    level = django_filters.ChoiceFilter(label=_("代表层级"), choices=MandateLevel.choices, method="filter_level")
    region = django_filters.CharFilter(label=_("所在区划代码"), method="filter_region")
    group = IdFilter(label=_("代表小组"), field_name="memberships__group_id")
    station = IdFilter(label=_("联络站"), field_name="station_assignments__station_id")
    sector = django_filters.CharFilter(label=_("界别/职业"), lookup_expr="icontains")
    term = django_filters.CharFilter(label=_("届次"), method="filter_term")
    active = BooleanFilter(label=_("在任"))
    order = django_filters.ChoiceFilter(
        label=_("排序"),
        choices=[("pinyin", _("按拼音")), ("strokes", _("按姓氏笔画"))],
        method="filter_order",
        empty_label=None,
    )

    class Meta:
        model = Deputy
        fields = ["q", "level", "region", "group", "station", "sector", "term", "active", "order"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Latin letters search the initials the picker stores ("xmh" finds 向明华).
        if value.isascii():
            return queryset.filter(Q(name_initials__startswith=value.lower()) | Q(name_pinyin__icontains=value))
        return queryset.filter(name__contains=value)

    def filter_level(self, queryset, name, value):
        # Exists, not a join: a deputy with two seats at one level must appear once.
        return queryset.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), level=value)))

    def filter_term(self, queryset, name, value):
        return queryset.filter(Exists(Mandate.objects.filter(deputy=OuterRef("pk"), term=value.strip())))

    def filter_region(self, queryset, name, value):
        # The region's prefix: a county finds the deputies of all its townships and villages.
        region = Region.objects.filter(code=value.strip()).only("prefix").first()
        if region is None:
            return queryset.none()
        return queryset.filter(region_prefix__startswith=region.prefix)

    def filter_order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["pinyin"]))


class MandateFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=MandateLevel.choices)
    term = django_filters.CharFilter()
    deputy = IdFilter(field_name="deputy_id")
    congress_region = django_filters.CharFilter(field_name="congress_region__code")

    class Meta:
        model = Mandate
        fields = ["level", "term", "deputy", "congress_region"]


class GroupFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=GroupKind.choices)
    region = django_filters.CharFilter(method="filter_region")
    name = django_filters.CharFilter(lookup_expr="icontains")
    active = BooleanFilter()

    class Meta:
        model = DeputyGroup
        fields = ["kind", "region", "name", "active"]

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value.strip()).only("prefix").first()
        return queryset.none() if region is None else queryset.filter(region__prefix__startswith=region.prefix)
