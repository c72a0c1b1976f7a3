"""API of stations, the standards checklist, assignments and reception days."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from rest_framework import mixins, serializers

from config.api import ScopedPrimaryKeyField
from config.schema import refused_beyond_schema
from deputies.api import RegionCodeField, ScopedDeputyField, ServiceViewSet
from deputies.models import Deputy
from liaison_stations import selectors, services
from liaison_stations.filters import ReceptionDayFilter, StationFilter
from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard

READ_WRITE = ["get", "post", "put", "patch", "head", "options"]


class ScopedStationField(ScopedPrimaryKeyField):
    def __init__(self, **kwargs):
        super().__init__(
            selector=selectors.stations_visible_to, model=LiaisonStation, message=gettext_lazy("联络站不在您的管辖范围内：{pk_value}。"), **kwargs
        )


class StationSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    deputy_count = serializers.IntegerField(read_only=True, help_text=gettext_lazy("当前进站代表人数"))
    completion = serializers.SerializerMethodField(help_text=gettext_lazy("建站标准达标率（%），未设标准时为 null"))

    class Meta:
        model = LiaisonStation
        fields = [
            "id", "name", "kind", "region", "region_name", "address", "latitude", "longitude", "host_organisation",
            "contact_name", "contact_phone", "opening_hours", "active", "deputy_count", "completion",
        ]

    def get_completion(self, station) -> int | None:
        items = self.context.get("standard_items")
        if items is None or not hasattr(station, "met_count"):
            return None
        return selectors.completion(station.met_count, len(selectors.items_for_station(station, items)))


class StationViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    http_method_names = READ_WRITE
    serializer_class = StationSerializer
    filterset_class = StationFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        _filterset, qs = selectors.station_list(self.request.user, {})
        return qs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # Loaded once per request: the items that can apply to any station in the caller's scope.
        context["standard_items"] = selectors.items_applying_within(self.request.user)
        return context

    def service_create(self, data):
        return services.station_create(actor=self.request.user, data=data)

    def service_update(self, obj, data):
        return services.station_update(actor=self.request.user, station=obj, data=data)


class StandardItemSerializer(serializers.ModelSerializer):
    region = RegionCodeField()

    class Meta:
        model = StandardItem
        fields = ["id", "name", "description", "region", "position", "active"]


class StandardItemViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    http_method_names = READ_WRITE
    serializer_class = StandardItemSerializer
    filterset_fields = ["active"]

    def get_queryset(self):
        return selectors.standard_items_visible_to(self.request.user)

    def service_create(self, data):
        return services.standard_item_create(actor=self.request.user, data=data)

    def service_update(self, obj, data):
        return services.standard_item_update(actor=self.request.user, item=obj, data=data)


@refused_beyond_schema(non_field_errors="the item does not apply to the station")
class StationStandardSerializer(serializers.ModelSerializer):
    station = ScopedStationField()
    # The items defined in the caller's region or above it (the province's apply to every station).
    item = ScopedPrimaryKeyField(
        selector=selectors.standard_items_applying_within, model=StandardItem, message=gettext_lazy("标准项不在您的管辖范围内：{pk_value}。")
    )
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = StationStandard
        fields = ["id", "station", "item", "item_name", "met", "note", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # one record per (station, item): a second POST updates it (see the service)


class StationStandardViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """达标情况: POST records whether a station meets one item (creating or updating the record)."""

    http_method_names = ["get", "post", "head", "options"]
    serializer_class = StationStandardSerializer
    filterset_fields = ["station", "item", "met"]

    def get_queryset(self):
        return (
            StationStandard.objects.filter(station__in=selectors.stations_visible_to(self.request.user))
            .select_related("station__region", "item")
            .order_by("station_id", "item__position")
        )

    def service_create(self, data):
        station = data["station"]
        services.station_standards_record(
            actor=self.request.user, station=station, answers={data["item"]: (data.get("met", False), data.get("note", ""))}
        )
        return StationStandard.objects.get(station=station, item=data["item"])


@refused_beyond_schema(end_date="before start_date")
class AssignmentSerializer(serializers.ModelSerializer):
    station = ScopedStationField()
    deputy = ScopedDeputyField()
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = StationAssignment
        fields = ["id", "station", "deputy", "deputy_name", "start_date", "end_date"]
        validators = []


class AssignmentViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin):
    """代表进站."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    serializer_class = AssignmentSerializer
    filterset_fields = ["station", "deputy"]

    def get_queryset(self):
        return (
            StationAssignment.objects.filter(station__in=selectors.stations_visible_to(self.request.user))
            .select_related("station__region", "deputy")
            .order_by("id")
        )

    def service_create(self, data):
        return services.assignment_add(
            actor=self.request.user, station=data["station"], deputy=data["deputy"],
            start_date=data.get("start_date"), end_date=data.get("end_date"),
        )

    def service_delete(self, obj):
        services.assignment_remove(actor=self.request.user, assignment=obj)


@refused_beyond_schema(end_time="not after start_time")
class ReceptionDaySerializer(serializers.ModelSerializer):
    station = ScopedStationField()
    deputies = ScopedDeputyField(many=True, required=False)
    deputy_names = serializers.SerializerMethodField()

    class Meta:
        model = ReceptionDay
        fields = ["id", "station", "date", "start_time", "end_time", "topic", "deputies", "deputy_names"]

    def get_deputy_names(self, day) -> list[str]:
        return [d.name for d in day.deputies.all()]


class ReceptionDayViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    """接待选民日安排."""

    serializer_class = ReceptionDaySerializer
    filterset_class = ReceptionDayFilter
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        return (
            selectors.reception_days_visible_to(self.request.user)
            .select_related("station__region")
            .prefetch_related(Prefetch("deputies", queryset=Deputy.objects.only("id", "name")))
            .order_by("date", "start_time", "id")
        )

    def service_create(self, data):
        deputies = data.pop("deputies", [])
        station = data.pop("station")
        return services.reception_day_create(actor=self.request.user, station=station, data=data, deputies=deputies)

    def service_update(self, obj, data):
        deputies = data.pop("deputies", None)
        data.pop("station", None)
        return services.reception_day_update(actor=self.request.user, day=obj, data=data, deputies=deputies)

    def service_delete(self, obj):
        services.reception_day_delete(actor=self.request.user, day=obj)
