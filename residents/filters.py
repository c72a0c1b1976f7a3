from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from config.filters import IdFilter
from residents.models import MessageStatus, ResidentMessage


class MessageFilter(django_filters.FilterSet):
    """The inbox's and the API's filter, over ``selectors.inbox_messages`` (which lists held and
    discarded messages only when they are asked for by status)."""

    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MessageStatus.choices, empty_label=_("全部（不含待审核）")
    )
    q = django_filters.CharFilter(label=_("关键词"), field_name="text", lookup_expr="icontains")
    station = IdFilter(label=_("联络站"), field_name="station_id")

    class Meta:
        model = ResidentMessage
        fields = ["status", "station"]
