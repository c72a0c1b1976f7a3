"""The residents' voice API: messages (list, detail, reply, adopt) and hot issues, scoped by selectors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.forms import ID_MAX
from residents import selectors, services
from residents.filters import MessageFilter
from residents.models import HotIssue, ResidentMessage


class ResidentMessageSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    name = serializers.CharField(source="shown_name", read_only=True)
    phone = serializers.CharField(source="shown_phone", read_only=True)

    class Meta:
        model = ResidentMessage
        fields = [
            "id", "station", "station_name", "region", "region_name", "text", "name", "phone", "status", "status_display",
            "reply", "replied_at", "suggestion", "created_at", "held_reason",
        ]


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=services.REPLY_MAX)


class AdoptSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead_deputy = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)


class ResidentMessageViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResidentMessageSerializer
    filterset_class = MessageFilter

    def get_queryset(self):
        return selectors.inbox_messages(self.request.user, self.request.query_params)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.present(page, self.request.user) if page is not None else None

    def get_object(self):
        return selectors.present([selectors.message_detail(self.request.user, self.kwargs["pk"])], self.request.user)[0]

    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        message = selectors.message_detail(request.user, pk)
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.message_reply(message.pk, actor=request.user, text=data.validated_data["reply"])
        return Response(self.get_serializer(self.get_object()).data)

    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        message = selectors.message_detail(request.user, pk)
        data = AdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lead = None
        if data.validated_data.get("lead_deputy"):
            # One of the station's deputies; any other id is refused naming the field, like the page's form.
            lead = selectors.station_deputies(message).filter(pk=data.validated_data["lead_deputy"]).first()
            if lead is None:
                raise serializers.ValidationError({"lead_deputy": [_("请选择本联络站的一位代表作为领衔代表。")]})
        suggestion = services.message_adopt(
            message.pk, actor=request.user, title=data.validated_data.get("title", ""), lead_deputy=lead
        )
        return Response({"suggestion": suggestion.pk}, status=status.HTTP_201_CREATED)


    @extend_schema(request=None, responses=ResidentMessageSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """放行 a held message (待审核): it reaches the station's deputies, who are notified."""
        message = selectors.message_detail(request.user, pk)
        services.message_release(message.pk, actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=ResidentMessageSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        """不予处理 a held message: kept for the record, it goes no further."""
        message = selectors.message_detail(request.user, pk)
        services.message_discard(message.pk, actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)


class HotIssueSerializer(serializers.ModelSerializer):
    satisfaction = serializers.FloatField(read_only=True)

    class Meta:
        model = HotIssue
        fields = [
            "id", "label", "terms", "size", "suggestion_count", "message_count", "regions", "categories",
            "answered_count", "rated_count", "satisfied_count", "satisfaction", "computed_at",
        ]


class HotIssueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HotIssueSerializer

    def get_queryset(self):
        return selectors.hot_issues_visible_to(self.request.user)

    def get_object(self):
        return selectors.hot_issue_detail(self.request.user, self.kwargs["pk"])


