import django_filters
from rest_framework import serializers, viewsets

from regions.models import Region, RegionLevel
from regions.selectors import regions_visible_to


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Region
        fields = ["level", "parent", "name"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative regions inside the caller's scope; looked up by division code."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return regions_visible_to(self.request.user).order_by("code")
