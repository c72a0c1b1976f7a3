"""The suggestions API: suggestions with one action endpoint per transition, departments, the
calendar and the inbox. Views only parse input and call one service; scope comes from selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from config.api import json_part
from config.idempotency import idempotent_create
from config.schema import refused_beyond_schema
from suggestions import selectors, services
from suggestions.filters import CalendarDayFilter, SuggestionFilter
from suggestions.models import (
    Assignment,
    AssignmentRole,
    CalendarDay,
    CalendarYear,
    ExtensionRequest,
    Notification,
    ReturnRequest,
    Suggestion,
)
from suggestions.permissions import require
from suggestions.serializers import (
    ID,
    AnswerInput,
    AssignInput,
    CampaignInput,
    DepartmentSerializer,
    ExtensionInput,
    FollowUpInput,
    MergeInput,
    NoteInput,
    OpinionInput,
    RateInput,
    ReasonInput,
    ReturnInput,
    SuggestionCreateSerializer,
    SuggestionDetailSerializer,
    SuggestionDraftSerializer,
    SuggestionListSerializer,
)

# --- suggestions -----------------------------------------------------------------------------------


def _action(name, request_serializer, summary):
    return extend_schema(request=request_serializer, responses={200: SuggestionDetailSerializer}, summary=summary)


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Suggestions visible to the user; POST creates (and with ``"submit": true`` submits) one; PATCH
    corrects a draft (409 once it has been submitted)."""

    filterset_class = SuggestionFilter
    ordering_fields = ["submitted_at", "lead_due_at", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.suggestion_list(self.request.user, places=False).order_by("-submitted_at", "-id")

    def get_serializer_class(self):
        if self.action == "list":
            return SuggestionListSerializer
        if self.action == "create":
            return SuggestionCreateSerializer
        if self.action == "partial_update":
            return SuggestionDraftSerializer
        return SuggestionDetailSerializer

    def retrieve(self, request, pk=None):
        return self._done(pk)

    @extend_schema(
        request=SuggestionCreateSerializer,
        responses={201: SuggestionDetailSerializer},
        description=(
            "JSON; or form fields with `attachments` files; or `multipart/form-data` with the JSON object in the "
            "part `data` beside the `attachments` parts (what the offline outbox sends)."
        ),
    )
    @idempotent_create
    def create(self, request):
        data = SuggestionCreateSerializer(data=json_part(request))
        data.is_valid(raise_exception=True)
        v = data.validated_data
        lead = v.get("lead_deputy") or getattr(request.user, "deputy_profile", None)
        if lead is None:
            raise serializers.ValidationError({"lead_deputy": [_("请指定领衔代表。")]})
        campaign = self._campaign(v.get("campaign"))
        suggestion = services.suggestion_create(
            actor=request.user,
            title=v["title"],
            content=v["content"],
            region=v["region"],
            lead_deputy=lead,
            co_signers=v.get("co_signers", []),
            campaign=campaign,
            attachments=request.FILES.getlist("attachments"),
            submit=v["submit"],
        )
        return self._done(suggestion.pk, code=status.HTTP_201_CREATED)

    @extend_schema(request=SuggestionDraftSerializer, responses={200: SuggestionDetailSerializer}, summary="修改草稿")
    def partial_update(self, request, pk=None):
        s = self._suggestion(pk)
        # A submitted suggestion is a 409 (and someone else's draft a 403) whatever the body says.
        services.check_draft_editable(request.user, s)
        v = self._input(SuggestionDraftSerializer)
        services.suggestion_update_draft(
            s.pk,
            actor=request.user,
            title=v.get("title", s.title),
            content=v.get("content", s.content),
            region=v.get("region", s.region),
            campaign=self._campaign(v["campaign"]) if "campaign" in v else s.campaign,
        )
        return self._done(s.pk)

    # helpers

    def _campaign(self, pk):
        if not pk:
            return None
        from activities.models import Campaign

        campaign = Campaign.objects.filter(pk=pk).first()
        if campaign is None:
            raise serializers.ValidationError({"campaign": [_("代表行动不存在。")]})
        return campaign

    def _suggestion(self, pk) -> Suggestion:
        return selectors.get_visible_or_404(self.request.user, pk)

    def _input(self, serializer_class):
        s = serializer_class(data=self.request.data)
        s.is_valid(raise_exception=True)
        return s.validated_data

    def _done(self, suggestion_id, code=status.HTTP_200_OK):
        suggestion = selectors.suggestion_detail(self.request.user, suggestion_id)
        return Response(SuggestionDetailSerializer(suggestion, context={"request": self.request}).data, status=code)

    def _my_assignment(self, suggestion, *, roles=(AssignmentRole.LEAD, AssignmentRole.CO_HANDLER)) -> Assignment:
        return selectors.my_assignment(self.request.user, suggestion, roles=roles)

    def _department(self, pk, field):
        if pk is None:
            return None
        department = selectors.departments_visible_to(self.request.user).filter(pk=pk).first()
        if department is None:
            raise serializers.ValidationError({field: [_("承办单位不存在或不在您的范围内。")]})
        return department

    def _pending(self, model, suggestion):
        return selectors.pending_request(model, suggestion)

    # actions, one per transition

    @_action("submit", None, _("提交草稿"))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        s = self._suggestion(pk)
        services.suggestion_submit(s.pk, actor=request.user)
        return self._done(s.pk)

    @_action("cosign", None, _("确认附议"))
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        s = self._suggestion(pk)
        services.suggestion_cosign_confirm(s.pk, actor=request.user)
        return self._done(s.pk)

    @_action("assign", AssignInput, _("交办（主办 + 协办）"))
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(AssignInput)
        lead = self._department(v["lead"], "lead")
        co = [self._department(d, "co_handlers") for d in v["co_handlers"]]
        services.suggestion_assign(s.pk, lead=lead, co_handlers=co, actor=request.user, category=v.get("category") or None, note=v["note"])
        return self._done(s.pk)

    @_action("not_accept", ReasonInput, _("不予立案"))
    @action(detail=True, methods=["post"], url_path="not-accept")
    def not_accept(self, request, pk=None):
        s = self._suggestion(pk)
        services.suggestion_not_accept(s.pk, actor=request.user, reason=self._input(ReasonInput)["reason"])
        return self._done(s.pk)

    @_action("acknowledge", None, _("签收"))
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        s = self._suggestion(pk)
        services.assignment_acknowledge(self._my_assignment(s).pk, actor=request.user)
        return self._done(s.pk)

    @_action("request_return", ReturnInput, _("申请退回"))
    @action(detail=True, methods=["post"], url_path="request-return")
    def request_return(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(ReturnInput)
        suggested = self._department(v.get("suggested_department"), "suggested_department")
        services.assignment_request_return(
            self._my_assignment(s, roles=[AssignmentRole.LEAD]).pk, actor=request.user, reason=v["reason"], suggested_department=suggested
        )
        return self._done(s.pk)

    @_action("approve_return", NoteInput, _("同意退回"))
    @action(detail=True, methods=["post"], url_path="approve-return")
    def approve_return(self, request, pk=None):
        s = self._suggestion(pk)
        services.return_approve(self._pending(ReturnRequest, s).pk, actor=request.user, note=self._input(NoteInput)["note"])
        return self._done(s.pk)

    @_action("refuse_return", NoteInput, _("不同意退回"))
    @action(detail=True, methods=["post"], url_path="refuse-return")
    def refuse_return(self, request, pk=None):
        s = self._suggestion(pk)
        services.return_refuse(self._pending(ReturnRequest, s).pk, actor=request.user, note=self._input(NoteInput)["note"])
        return self._done(s.pk)

    @_action("request_extension", ExtensionInput, _("申请延期"))
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(ExtensionInput)
        services.assignment_request_extension(
            self._my_assignment(s, roles=[AssignmentRole.LEAD]).pk, actor=request.user, reason=v["reason"], requested_due_at=v["requested_due_at"]
        )
        return self._done(s.pk)

    @_action("approve_extension", NoteInput, _("同意延期"))
    @action(detail=True, methods=["post"], url_path="approve-extension")
    def approve_extension(self, request, pk=None):
        s = self._suggestion(pk)
        services.extension_approve(self._pending(ExtensionRequest, s).pk, actor=request.user, note=self._input(NoteInput)["note"])
        return self._done(s.pk)

    @_action("refuse_extension", NoteInput, _("不同意延期"))
    @action(detail=True, methods=["post"], url_path="refuse-extension")
    def refuse_extension(self, request, pk=None):
        s = self._suggestion(pk)
        services.extension_refuse(self._pending(ExtensionRequest, s).pk, actor=request.user, note=self._input(NoteInput)["note"])
        return self._done(s.pk)

    @_action("opinion", OpinionInput, _("提交协办意见"))
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        s = self._suggestion(pk)
        services.cohandler_opinion_submit(
            self._my_assignment(s, roles=[AssignmentRole.CO_HANDLER]).pk, actor=request.user, opinion=self._input(OpinionInput)["opinion"]
        )
        return self._done(s.pk)

    @_action("answer", AnswerInput, _("答复（A–D 类）"))
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(AnswerInput)
        services.suggestion_answer(
            s.pk, actor=request.user, text=v["text"], outcome_class=v["outcome_class"], follow_up_date=v.get("follow_up_date"),
            attachments=request.FILES.getlist("attachments"),
        )
        return self._done(s.pk)

    @_action("rate", RateInput, _("满意度测评"))
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(RateInput)
        services.suggestion_rate(s.pk, actor=request.user, value=v["value"], comment=v["comment"])
        return self._done(s.pk)

    @_action("withdraw", NoteInput, _("撤回"))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        s = self._suggestion(pk)
        services.suggestion_withdraw(s.pk, actor=request.user, note=self._input(NoteInput)["note"])
        return self._done(s.pk)

    @_action("merge", MergeInput, _("合并重复建议"))
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(MergeInput)
        # Say "not yours to do" before looking up a target the user may not even see.
        require("merge", request.user, s)
        into = selectors.suggestions_visible_to(request.user).filter(pk=v["into"]).first()
        if into is None:
            raise serializers.ValidationError({"into": [_("目标建议不存在或不在您的范围内。")]})
        services.suggestion_merge(s.pk, into=into, actor=request.user, note=v["note"])
        return self._done(s.pk)

    @_action("set_campaign", CampaignInput, _("更正所属代表行动"))
    @action(detail=True, methods=["post"], url_path="set-campaign")
    def set_campaign(self, request, pk=None):
        s = self._suggestion(pk)
        v = self._input(CampaignInput)
        services.suggestion_set_campaign(s.pk, actor=request.user, campaign=self._campaign(v["campaign"]), note=v["note"])
        return self._done(s.pk)

    @_action("follow_up", FollowUpInput, _("记录回头看"))
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        s = self._suggestion(pk)
        answer = selectors.pending_follow_up(s)
        services.follow_up_record(answer.pk, actor=request.user, note=self._input(FollowUpInput)["note"])
        return self._done(s.pk)


# --- departments, calendar, notifications --------------------------------------------------------


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments (承办单位) of the governments in and above the user's region."""

    serializer_class = DepartmentSerializer
    filterset_fields = ["type", "active"]

    def get_queryset(self):
        return selectors.departments_visible_to(self.request.user).order_by("region__code", "type", "id")


@refused_beyond_schema(date="a weekend day marked a holiday, or a weekday marked a make-up working day")
class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "source"]
        read_only_fields = ["source"]


class CalendarImportInput(serializers.Serializer):
    file = serializers.FileField()


class CalendarViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The working-day calendar's exceptions; the provincial office edits it (deadlines move)."""

    serializer_class = CalendarDaySerializer
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"
    filterset_class = CalendarDayFilter
    pagination_class = None

    def get_queryset(self):
        return CalendarDay.objects.order_by("date")

    def create(self, request):
        s = CalendarDaySerializer(data=request.data)
        # The date is unique; an existing one is changed rather than refused.
        s.fields["date"].validators = []
        s.is_valid(raise_exception=True)
        day = services.calendar_day_add(actor=request.user, date=s.validated_data["date"], kind=s.validated_data["kind"], name=s.validated_data.get("name", ""))
        return Response(CalendarDaySerializer(day).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, date=None):
        try:
            day = get_object_or_404(CalendarDay, date=date)
        except DjangoValidationError:  # shaped like a date but none (2026-02-30): no such day
            raise Http404 from None
        services.calendar_day_remove(actor=request.user, date=day.date)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: {"type": "array", "items": {"type": "integer"}}})
    @action(detail=False, methods=["get"])
    def years(self, request):
        return Response(list(CalendarYear.objects.order_by("year").values_list("year", flat=True)))

    @extend_schema(request=CalendarImportInput, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_csv(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise DjangoValidationError({"file": _("请选择 CSV 文件。")})
        return Response({"years": services.calendar_import_csv(actor=request.user, file=upload)})


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "suggestion", "created_at", "read_at"]


class MarkReadInput(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(**ID), required=False)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The user's own inbox."""

    serializer_class = NotificationSerializer
    filterset_fields: list[str] = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notifications_of(self.request.user)

    @extend_schema(request=MarkReadInput, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        s = MarkReadInput(data=request.data)
        s.is_valid(raise_exception=True)
        count = services.notifications_mark_read(actor=request.user, notification_ids=s.validated_data.get("ids"))
        return Response({"marked": count})
