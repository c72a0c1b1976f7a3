"""API of deputies, mandates, groups and memberships: list/detail for scoped roles, writes for offices."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from config.api import FastRepresentation, ScopedPrimaryKeyField, prefetch_list
from config.schema import refused_beyond_schema
from deputies import selectors, services
from deputies.filters import DeputyFilter, GroupFilter, MandateFilter
from deputies.models import Deputy, DeputyGroup, Mandate, Membership
from deputies.privacy import is_valid_phone, normalize_phone, phone_for
from regions.models import Region


class OfficeWritesOnly(permissions.BasePermission):
    """Reading follows scope; writing is for congress offices (the services check the region)."""

    message = gettext_lazy("只有人大常委会办公室可以修改。")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or request.user.is_office


class ServiceViewSet(viewsets.GenericViewSet):
    """Create/update/delete go through the app's services, never through serializer.save()."""

    permission_classes = [permissions.IsAuthenticated, OfficeWritesOnly]

    def service_create(self, data):  # pragma: no cover - subclasses that allow POST override it
        raise NotImplementedError

    def service_update(self, obj, data):  # pragma: no cover
        raise NotImplementedError

    def service_delete(self, obj):  # pragma: no cover
        raise NotImplementedError

    def _fresh(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.service_create(serializer.validated_data)
        return Response(self.get_serializer(self._fresh(obj)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.service_update(obj, serializer.validated_data)
        return Response(self.get_serializer(self._fresh(obj)).data)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        self.service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhoneField(serializers.CharField):
    """A phone number as ``DeputySerializer.validate_phone`` takes it: the schema states its forms where
    the API reads it (it also takes spaces and dashes inside a mobile number); answers may be masked."""

    request_schema = {"pattern": r"^$|^(\+86)?1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$"}


class RegionCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Region.objects.all(), **kwargs)


class ScopedDeputyField(ScopedPrimaryKeyField):
    """A deputy id the caller can see; any other id reads as nonexistent (a 400 naming the field)."""

    def __init__(self, **kwargs):
        super().__init__(selector=selectors.deputies_visible_to, model=Deputy, message=gettext_lazy("代表不在您的管辖范围内：{pk_value}。"), **kwargs)


class MandateBriefSerializer(FastRepresentation, serializers.ModelSerializer):
    congress_region = serializers.CharField(source="congress_region.code", read_only=True)
    congress_region_name = serializers.CharField(source="congress_region.name", read_only=True)

    class Meta:
        model = Mandate
        fields = ["id", "level", "congress_region", "congress_region_name", "term", "electoral_unit", "start_date", "end_date"]


@refused_beyond_schema(birth_date="after today, or before 1900-01-01")
class DeputySerializer(FastRepresentation, serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name", read_only=True)
    mandates = MandateBriefSerializer(many=True, read_only=True)
    phone = PhoneField(required=False, allow_blank=True, max_length=20, help_text=gettext_lazy("读取时按权限脱敏（138****1234）。"))

    class Meta:
        model = Deputy
        fields = [
            "id", "name", "name_pinyin", "name_initials", "surname_strokes", "gender", "ethnicity", "birth_date",
            "sector", "work_unit", "phone", "region", "region_name", "active", "mandates",
        ]
        read_only_fields = ["name_pinyin", "name_initials", "surname_strokes"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_for(self.context["request"].user, instance)
        return data

    def validate_phone(self, value):
        value = normalize_phone(value)
        if value and not is_valid_phone(value):
            raise serializers.ValidationError(_("手机号格式不对：应为11位手机号或带区号的固定电话。"))
        return value


@extend_schema_view(
    list=extend_schema(description=gettext_lazy("代表名册（按用户管辖范围）。`q` 按姓名或拼音首字母查找；`order=strokes` 按姓氏笔画排序。")),
)
class DeputyViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    # Deputies are never deleted (mandates, activities and suggestions point at them): set active=false.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    serializer_class = DeputySerializer
    filterset_class = DeputyFilter
    ordering_fields = ["name_pinyin", "name_stroke_key", "id"]

    def get_queryset(self):
        return (
            selectors.deputies_visible_to(self.request.user)
            .select_related("region")
            .prefetch_related(prefetch_list("mandates", Mandate.objects.select_related("congress_region").order_by("level")))
            .order_by("name_pinyin", "id")
        )

    def service_create(self, data):
        return services.deputy_create(actor=self.request.user, data=data)

    def service_update(self, obj, data):
        return services.deputy_update(actor=self.request.user, deputy=obj, data=data)


DATES = "outside 1900-01-01 … December 31 ten years from now"


@refused_beyond_schema(
    start_date=DATES, end_date=f"{DATES}, or before start_date",
    non_field_errors="the deputy already holds a seat of this level in this congress and term",
)
class MandateSerializer(serializers.ModelSerializer):
    deputy = ScopedDeputyField()
    congress_region = RegionCodeField()

    class Meta:
        model = Mandate
        fields = ["id", "deputy", "level", "congress_region", "term", "electoral_unit", "start_date", "end_date"]


class MandateViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    serializer_class = MandateSerializer
    filterset_class = MandateFilter
    ordering_fields = ["id", "level", "start_date"]

    def get_queryset(self):
        return (
            Mandate.objects.filter(deputy__in=selectors.deputies_visible_to(self.request.user))
            .select_related("deputy__region", "congress_region")
            .order_by("id")
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.action in ("update", "partial_update"):
            serializer.fields["deputy"].read_only = True
        return serializer

    def service_create(self, data):
        deputy = data.pop("deputy")
        return services.mandate_create(actor=self.request.user, deputy=deputy, data=data)

    def service_update(self, obj, data):
        data.pop("deputy", None)
        return services.mandate_update(actor=self.request.user, mandate=obj, data=data)

    def service_delete(self, obj):
        services.mandate_delete(actor=self.request.user, mandate=obj)


class MembershipBriefSerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "deputy", "deputy_name", "role", "start_date", "end_date"]


class GroupSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    leader = ScopedDeputyField(required=False, allow_null=True)
    home_station = ScopedPrimaryKeyField(
        selector=selectors.stations_in_scope_for_picker,
        model=selectors.station_model(),
        message=gettext_lazy("联络站不在您的管辖范围内：{pk_value}。"),
        required=False,
        allow_null=True,
    )
    memberships = MembershipBriefSerializer(many=True, read_only=True)

    class Meta:
        model = DeputyGroup
        fields = ["id", "name", "kind", "region", "home_station", "leader", "active", "memberships"]


class GroupViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return (
            selectors.groups_visible_to(self.request.user)
            .select_related("region")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("deputy").order_by("id")))
            .order_by("region__code", "name")
        )

    def service_create(self, data):
        return services.group_create(actor=self.request.user, data=data)

    def service_update(self, obj, data):
        return services.group_update(actor=self.request.user, group=obj, data=data)


class ScopedGroupField(ScopedPrimaryKeyField):
    def __init__(self, **kwargs):
        super().__init__(
            selector=selectors.groups_visible_to, model=DeputyGroup, message=gettext_lazy("代表小组不在您的管辖范围内：{pk_value}。"), **kwargs
        )


@refused_beyond_schema(start_date=DATES, end_date=f"{DATES}, or before start_date", non_field_errors="the deputy is already a member")
class MembershipSerializer(serializers.ModelSerializer):
    group = ScopedGroupField()
    deputy = ScopedDeputyField()

    class Meta:
        model = Membership
        fields = ["id", "group", "deputy", "role", "start_date", "end_date"]


class MembershipViewSet(ServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, mixins.DestroyModelMixin):
    serializer_class = MembershipSerializer
    filterset_fields = ["group", "deputy", "role"]

    def get_queryset(self):
        return (
            Membership.objects.filter(group__in=selectors.groups_visible_to(self.request.user))
            .select_related("group__region", "deputy")
            .order_by("id")
        )

    def service_create(self, data):
        return services.membership_add(actor=self.request.user, group=data["group"], deputy=data["deputy"], data=data)

    def service_update(self, obj, data):
        return services.membership_update(actor=self.request.user, membership=obj, data=data)

    def service_delete(self, obj):
        services.membership_remove(actor=self.request.user, membership=obj)
