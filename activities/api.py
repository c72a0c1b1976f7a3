"""API: campaigns and activities, scoped like the pages; writes go through services."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from activities import selectors, services
from activities.filters import ActivityFilter
from activities.models import Activity, ActivityPhoto, Campaign, IssueRaised
from activities.services import ActivityInput, IssueInput
from config.api import FastRepresentation, ScopedPrimaryKeyField, json_part, prefetch_list, prefetched
from config.exceptions import PermissionRefused
from config.idempotency import idempotent_create
from config.schema import refused_beyond_schema
from deputies.models import Deputy, DeputyGroup
from liaison_stations.models import LiaisonStation
from regions.models import Region


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class CampaignSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none())
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "year", "title", "kind", "region", "region_name", "start_date", "end_date", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None and "region" in self.fields:
            self.fields["region"].queryset = selectors.filter_regions_for(user)
            self.fields["region"].error_messages["does_not_exist"] = _("组织区划不在本辖区内：{value}。")


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """代表行动: the themes covering the caller's region and those chosen inside it. Offices create them."""

    serializer_class = CampaignSerializer
    filterset_fields = ["year", "kind"]
    ordering_fields = ["year", "start_date"]

    def get_queryset(self):
        return selectors.campaigns_for(self.request.user).order_by("-year", "-start_date", "id")

    def create(self, request, *args, **kwargs):
        if not request.user.is_office:
            raise PermissionRefused(_("只有人大常委会可以部署代表行动。"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.campaign_create(actor=self.request.user, **serializer.validated_data)


def _deputies_field(**kwargs):
    return ScopedPrimaryKeyField(selector=selectors.deputies_for, model=Deputy, message=_("代表不在本辖区内：{pk_value}。"), **kwargs)


class IssueRaisedSerializer(FastRepresentation, serializers.ModelSerializer):
    deputies = _deputies_field(many=True, required=False)

    class Meta:
        model = IssueRaised
        fields = ["id", "text", "deputies"]
        read_only_fields = ["id"]


@refused_beyond_schema(
    date=f"after today, or before {settings.ACTIVITY_EARLIEST_YEAR}",
    campaigns="a campaign that does not cover the activity's region",
)
class ActivitySerializer(FastRepresentation, serializers.ModelSerializer):
    """Attendance is a list of deputy ids; issues raised are nested rows."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none())
    region_name = serializers.CharField(source="region.name", read_only=True)
    campaigns = ScopedPrimaryKeyField(
        selector=selectors.campaigns_for, model=Campaign, message=_("代表行动不适用于本辖区：{pk_value}。"), many=True, required=False
    )
    deputies = _deputies_field(many=True, required=False)
    station = ScopedPrimaryKeyField(
        selector=selectors.stations_for, model=LiaisonStation, message=_("联络站不在本辖区内：{pk_value}。"), required=False, allow_null=True
    )
    group = ScopedPrimaryKeyField(
        selector=selectors.groups_for, model=DeputyGroup, message=_("代表小组不在本辖区内：{pk_value}。"), required=False, allow_null=True
    )
    issues = IssueRaisedSerializer(many=True, required=False, max_length=settings.ACTIVITY_MAX_ISSUES)
    photos = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.display_name", read_only=True, default=None)

    class Meta:
        model = Activity
        fields = [
            "id",
            "type",
            "campaigns",
            "date",
            "start_time",
            "region",
            "region_name",
            "station",
            "group",
            "deputies",
            "households_visited",
            "enterprises_visited",
            "people_reached",
            "person_times",
            "summary",
            "issues",
            "photos",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            name: {"min_value": 0, "max_value": settings.ACTIVITY_MAX_COUNT, "error_messages": {"min_value": _("数量不能为负数。")}}
            for name in ["households_visited", "enterprises_visited", "people_reached", "person_times"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["region"].queryset = selectors.activity_regions_for(user)
            self.fields["region"].error_messages["does_not_exist"] = _("活动地点不在本辖区内：{value}。")

    def get_photos(self, activity) -> list[str]:
        return [reverse("activities:photo", args=[activity.pk, p.pk]) for p in prefetched(activity, "photos")]

    def to_input(self, *, photos=()) -> ActivityInput:
        data = dict(self.validated_data)
        issues = [IssueInput(text=i["text"], deputies=list(i.get("deputies", []))) for i in data.pop("issues", [])]
        return ActivityInput(
            type=data.get("type", "visit"),
            date=data["date"],
            region=data["region"],
            start_time=data.get("start_time"),
            station=data.get("station"),
            group=data.get("group"),
            campaigns=list(data.get("campaigns", [])),
            deputies=list(data.get("deputies", [])),
            households_visited=data.get("households_visited", 0),
            enterprises_visited=data.get("enterprises_visited", 0),
            people_reached=data.get("people_reached", 0),
            person_times=data.get("person_times", 0),
            summary=data.get("summary", ""),
            issues=issues,
            photos=list(photos),
        )


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """履职活动 inside the caller's region, filterable like the list page. Township staff and offices log them."""

    serializer_class = ActivitySerializer

    def get_parsers(self):
        # A visit with its photos comes as multipart: the JSON in the part `data` (config.api.json_part),
        # the offline outbox's transport, described in the create's text. The schema states JSON, the
        # only encoding that carries the nested rows (drf-spectacular marks its view swagger_fake_view).
        if getattr(self, "swagger_fake_view", False):
            return [JSONParser()]
        return [JSONParser(), MultiPartParser()]
    filterset_class = ActivityFilter
    ordering_fields = ["date", "id"]

    def get_queryset(self):
        qs = selectors.activities_visible_to(self.request.user).select_related("region", "created_by").order_by("-date", "-id")
        if self.action == "list" and self.paginator is not None:
            return qs  # the page's relations are read for its rows only, in one query (paginate_queryset)
        return (
            qs
            # The list shows campaigns and deputies as ids: fetch only the ids (a page of 50 visits
            # has about 150 attendances; whole deputy rows cost more than the rest of the page).
            # As lists (config.api.prefetch_list): no related manager per row and relation.
            .prefetch_related(
                prefetch_list("campaigns", Campaign.objects.only("id")),
                prefetch_list("deputies", Deputy.objects.only("id")),
                prefetch_list("photos", ActivityPhoto.objects.only("id", "activity_id")),
                prefetch_list("issues", IssueRaised.objects.prefetch_related(prefetch_list("deputies", Deputy.objects.only("id")))),
            )
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            # Campaigns, deputies, photos and issues of the page's rows: one query, not five prefetches.
            selectors.attach_page_relations(page)
        return page

    @extend_schema(
        responses={201: ActivitySerializer},
        description=(
            "JSON, or with photos `multipart/form-data`: the same JSON object in the part `data` and one part "
            "`photos` per image (checked and re-encoded like the page's uploads). The row and its photos are "
            "written together or not at all."
        ),
    )
    @idempotent_create
    def create(self, request, *args, **kwargs):
        if not selectors.can_log_activities(request.user):
            raise PermissionRefused(_("您的角色不能登记履职活动。"))
        serializer = self.get_serializer(data=json_part(request))
        serializer.is_valid(raise_exception=True)
        photos = request.FILES.getlist("photos")
        activity = services.activity_create(actor=request.user, data=serializer.to_input(photos=photos))
        out = self.get_serializer(self.get_queryset().get(pk=activity.pk))
        return Response(out.data, status=status.HTTP_201_CREATED)
