"""``config.api.FastRepresentation`` answers exactly what DRF's own ``to_representation`` answers."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Prefetch
from rest_framework import serializers

from config.api import ChoiceLabelField, FastRepresentation
from deputies.models import Deputy, Mandate
from regions.models import Region
from tests.factories.deputies import DeputyFactory, MandateFactory

pytestmark = pytest.mark.django_db


class MandateRow(FastRepresentation, serializers.ModelSerializer):
    congress_region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    level_display = ChoiceLabelField(source="level")

    class Meta:
        model = Mandate
        fields = ["id", "deputy", "level", "level_display", "congress_region", "term", "start_date", "end_date"]


class DeputyRow(FastRepresentation, serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    # a missing link: with a default it reads the default, without one the field is left out
    login = serializers.CharField(source="user.username", read_only=True, default=None)
    login_email = serializers.CharField(source="user.email", read_only=True)
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)  # a callable source
    mandates = MandateRow(many=True, read_only=True)
    stroke_key = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Deputy
        fields = ["id", "name", "surname_strokes", "gender", "gender_display", "birth_date", "phone", "active", "region",
                  "region_name", "login", "login_email", "mandates", "stroke_key", "created_at"]

    def get_stroke_key(self, obj) -> str:
        return obj.name_stroke_key


def drf(serializer, instance):
    return serializers.Serializer.to_representation(serializer, instance)


def test_rows_read_directly_equal_drfs_rows(tree, xuanen_staff):
    # given deputies with and without mandates, birth dates and logins
    with_mandates = DeputyFactory(name="向明华", gender="M", region=tree.zhushan)
    MandateFactory(deputy=with_mandates, level="county", congress_region=tree.xuanen)
    MandateFactory(deputy=with_mandates, level="township", congress_region=tree.zhushan, end_date=datetime.date(2026, 1, 1))
    DeputyFactory(name="田春梅", birth_date=None, region=tree.zhushan_village, active=False)
    DeputyFactory(name="张建国", region=tree.zhushan, user=xuanen_staff)
    for prefetched in (True, False):
        qs = Deputy.objects.select_related("region").order_by("id")
        if prefetched:
            qs = qs.prefetch_related(Prefetch("mandates", queryset=Mandate.objects.select_related("congress_region").order_by("level")))
        rows = list(qs)
        serializer = DeputyRow(rows, many=True)
        # when they are read through the direct path, then they equal DRF's reading, field by field and in order
        fast = serializer.data
        slow = [drf(serializer.child, row) | {"mandates": [drf(MandateRow(), m) for m in row.mandates.order_by("level")]} for row in rows]
        assert [list(r) for r in fast] == [list(r) for r in slow]
        assert fast == slow
    first, second, third = fast
    assert "login_email" not in first and first["login"] is None
    assert third["login"] == xuanen_staff.username and third["login_email"] == xuanen_staff.email
    assert first["gender_display"] == "男" and [m["level_display"] for m in first["mandates"]] == ["县(市、区)", "乡(镇)"]
    assert second["birth_date"] is None and second["mandates"] == []
