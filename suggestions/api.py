"""The suggestions API: suggestions with one action endpoint per transition, departments, the
calendar and the inbox. Views only parse input and call one service; scope comes from selectors."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.scope import in_scope
from config.api import ChoiceLabelField, FastRepresentation
from config.exceptions import PermissionRefused
from deputies.models import Deputy
from regions.models import Region
from suggestions import selectors, services
from suggestions.calendar import explain
from suggestions.filters import CalendarDayFilter, SuggestionFilter
from suggestions.models import (
    Answer,
    Assignment,
    AssignmentRole,
    CalendarDay,
    CalendarYear,
    Department,
    ExtensionRequest,
    Notification,
    OutcomeClass,
    RatingValue,
    ReturnRequest,
    Suggestion,
    SuggestionEvent,
)
from suggestions.taxonomy import category_choices
from suggestions.transitions import allowed_actions

# --- serializers -------------------------------------------------------------------------------------

# Ids as the database stores them (BigAutoField): a larger number is a 400, not an overflow.
ID = {"min_value": 1, "max_value": 2**63 - 1}


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "type"]


class DepartmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    type_display = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "type", "type_display", "region", "region_name", "contact_name", "contact_phone", "active"]


class ReturnRequestSerializer(serializers.ModelSerializer):
    suggested_department = DepartmentBriefSerializer(read_only=True)

    class Meta:
        model = ReturnRequest
        fields = ["id", "reason", "suggested_department", "requested_at", "decision", "decided_at", "decision_note"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "reason", "requested_due_at", "previous_due_at", "requested_at", "decision", "decided_at", "decision_note"]


class SuggestionAssignmentSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(read_only=True)
    due_text = serializers.SerializerMethodField()
    return_requests = ReturnRequestSerializer(many=True, read_only=True)
    extension_requests = ExtensionRequestSerializer(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "department", "role", "state", "assigned_at", "due_at", "due_explanation", "due_text", "return_deadline",
            "acknowledged_at", "opinion", "opinion_at", "answered_at", "return_requests", "extension_requests",
        ]

    def get_due_text(self, obj) -> str:
        return explain(obj.due_explanation)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionEvent
        fields = ["id", "action", "actor_label", "from_status", "to_status", "note", "data", "created_at"]


class AnswerSerializer(serializers.ModelSerializer):
    rating = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "text", "outcome_class", "follow_up_date", "follow_up_done_at", "answered_at", "on_time", "rating"]

    def get_rating(self, obj) -> dict | None:
        rating = getattr(obj, "rating", None)
        return {"value": rating.value, "comment": rating.comment, "rated_at": rating.rated_at} if rating else None


class SuggestionListSerializer(FastRepresentation, serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    lead_deputy = serializers.IntegerField(source="lead_deputy_id", read_only=True)
    lead_deputy_name = serializers.CharField(source="lead_deputy.name", read_only=True)
    status_display = ChoiceLabelField(source="status")
    due_at = serializers.DateField(source="lead_due_at", read_only=True, allow_null=True)
    deadline_state = serializers.CharField(read_only=True)
    lead_department = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id", "number", "title", "status", "status_display", "category", "region", "region_name", "lead_deputy",
            "lead_deputy_name", "campaign", "submitted_at", "key_supervision", "due_at", "deadline_state", "lead_department",
        ]


class SuggestionDetailSerializer(SuggestionListSerializer):
    co_signers = serializers.SerializerMethodField()
    assignments = SuggestionAssignmentSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(SuggestionListSerializer.Meta):
        fields = [
            *SuggestionListSerializer.Meta.fields,
            "content", "co_signers", "not_accepted_reason", "duplicate_of", "router_guesses", "unsatisfied_count",
            "closed_at", "assignments", "answers", "events", "allowed_actions",
        ]

    def get_co_signers(self, obj) -> list[dict]:
        return [{"id": c.deputy_id, "name": c.deputy.name, "confirmed_at": c.confirmed_at} for c in obj.co_signatures.all()]

    def get_allowed_actions(self, obj) -> list[str]:
        return sorted(allowed_actions(obj.status))


class SuggestionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    lead_deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.filter(active=True), required=False)
    co_signers = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.filter(active=True), many=True, required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True, **ID)
    submit = serializers.BooleanField(default=False)


class SuggestionDraftSerializer(serializers.Serializer):
    """A draft's corrections (PATCH): any of its title, text, region (code) and campaign (id, or null for none)."""

    title = serializers.CharField(max_length=200, required=False)
    content = serializers.CharField(required=False)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True, **ID)


class AssignInput(serializers.Serializer):
    lead = serializers.IntegerField(help_text=gettext_lazy("主办单位 id"), **ID)
    co_handlers = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    category = serializers.ChoiceField(choices=category_choices(), required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnInput(serializers.Serializer):
    reason = serializers.CharField()
    suggested_department = serializers.IntegerField(required=False, allow_null=True, **ID)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class ExtensionInput(serializers.Serializer):
    reason = serializers.CharField()
    requested_due_at = serializers.DateField()


class OpinionInput(serializers.Serializer):
    opinion = serializers.CharField()


class AnswerInput(serializers.Serializer):
    text = serializers.CharField()
    outcome_class = serializers.ChoiceField(choices=OutcomeClass.choices)
    follow_up_date = serializers.DateField(required=False, allow_null=True)


class RateInput(serializers.Serializer):
    value = serializers.ChoiceField(choices=RatingValue.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class MergeInput(serializers.Serializer):
    into = serializers.IntegerField(help_text=gettext_lazy("合并到的建议 id"), **ID)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    note = serializers.CharField()


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
        return selectors.suggestion_list(self.request.user).order_by("-submitted_at", "-id")

    def get_serializer_class(self):
        if self.action == "list":
            return SuggestionListSerializer
        if self.action == "create":
            return SuggestionCreateSerializer
        if self.action == "partial_update":
            return SuggestionDraftSerializer
        return SuggestionDetailSerializer

    def retrieve(self, request, pk=None):
        return Response(SuggestionDetailSerializer(selectors.suggestion_detail(request.user, pk)).data)

    @extend_schema(request=SuggestionCreateSerializer, responses={201: SuggestionDetailSerializer})
    def create(self, request):
        data = SuggestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        lead = v.get("lead_deputy") or getattr(request.user, "deputy_profile", None)
        if lead is None:
            raise serializers.ValidationError({"lead_deputy": [_("请指定领衔代表。")]})
        if not request.user.is_deputy and not in_scope(Deputy.objects.filter(pk=lead.pk), request.user).exists():
            raise serializers.ValidationError({"lead_deputy": [_("该代表不在您的管辖范围内。")]})
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
        return Response(SuggestionDetailSerializer(selectors.suggestion_detail(request.user, suggestion.pk)).data, status=status.HTTP_201_CREATED)

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

    def _done(self, suggestion_id):
        return Response(SuggestionDetailSerializer(selectors.suggestion_detail(self.request.user, suggestion_id)).data)

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
        if not request.user.is_office:
            # Say "not yours to do" before looking up a target the user may not even see.
            raise PermissionRefused(_("只有人大常委会办公室可以进行此操作。"))
        into = selectors.suggestions_visible_to(request.user).filter(pk=v["into"]).first()
        if into is None:
            raise serializers.ValidationError({"into": [_("目标建议不存在或不在您的范围内。")]})
        services.suggestion_merge(s.pk, into=into, actor=request.user, note=v["note"])
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
        day = get_object_or_404(CalendarDay, date=date)
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
