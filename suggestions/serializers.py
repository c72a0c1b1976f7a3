"""The suggestions API's serializers: what each endpoint reads and answers (the views are in ``api.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from config.api import ChoiceLabelField, FastRepresentation
from config.schema import REFERENCE, refused_beyond_schema
from deputies.models import Deputy
from regions.models import Region
from suggestions import router_words
from suggestions.calendar import explain
from suggestions.models import (
    Answer,
    Assignment,
    Department,
    ExtensionRequest,
    OutcomeClass,
    RatingValue,
    ReturnRequest,
    Suggestion,
    SuggestionEvent,
)
from suggestions.permissions import actions_for, is_office_for
from suggestions.taxonomy import category_choices

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

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        is_office = is_office_for(request.user if request else None, instance)
        if not is_office:
            # The router's figures are for offices (suggestions.router_words): the page's rule.
            data["router_guesses"] = []
            events = {event.pk: event for event in instance.events.all()}
            for row in data.get("events", []):
                event = events.get(row["id"])
                if event is not None:
                    row["note"] = router_words.event_note(event, is_office=False)
                    row["data"] = router_words.event_data(event, is_office=False)
        return data

    def get_co_signers(self, obj) -> list[dict]:
        return [{"id": c.deputy_id, "name": c.deputy.name, "confirmed_at": c.confirmed_at} for c in obj.co_signatures.all()]

    def get_allowed_actions(self, obj) -> list[str]:
        """What the requesting user can do now (``permissions.actions_for``: the page shows the same buttons)."""
        request = self.context.get("request")
        return sorted(actions_for(request.user if request else None, obj))


@refused_beyond_schema(campaign=REFERENCE, lead_deputy="missing when the author is not a deputy; or outside the region's county")
class SuggestionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    lead_deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.filter(active=True), required=False)
    co_signers = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.filter(active=True), many=True, required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True, **ID)
    submit = serializers.BooleanField(default=False)


@refused_beyond_schema(campaign=REFERENCE)
class SuggestionDraftSerializer(serializers.Serializer):
    """A draft's corrections (PATCH): any of its title, text, region (code) and campaign (id, or null for none)."""

    title = serializers.CharField(max_length=200, required=False)
    content = serializers.CharField(required=False)
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    campaign = serializers.IntegerField(required=False, allow_null=True, **ID)


@refused_beyond_schema(lead=REFERENCE, co_handlers=REFERENCE)
class AssignInput(serializers.Serializer):
    lead = serializers.IntegerField(help_text=gettext_lazy("主办单位 id"), **ID)
    co_handlers = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    category = serializers.ChoiceField(choices=category_choices(), required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@refused_beyond_schema(suggested_department=REFERENCE)
class ReturnInput(serializers.Serializer):
    reason = serializers.CharField()
    suggested_department = serializers.IntegerField(required=False, allow_null=True, **ID)


@refused_beyond_schema(campaign=REFERENCE)
class CampaignInput(serializers.Serializer):
    campaign = serializers.IntegerField(allow_null=True, **ID)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


@refused_beyond_schema(requested_due_at="not after the current due date")
class ExtensionInput(serializers.Serializer):
    reason = serializers.CharField()
    requested_due_at = serializers.DateField()


class OpinionInput(serializers.Serializer):
    opinion = serializers.CharField()


class AnswerInput(serializers.Serializer):
    text = serializers.CharField()
    outcome_class = serializers.ChoiceField(choices=OutcomeClass.choices)
    follow_up_date = serializers.DateField(required=False, allow_null=True)


@refused_beyond_schema(comment="missing when the rating is unsatisfied")
class RateInput(serializers.Serializer):
    value = serializers.ChoiceField(choices=RatingValue.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


@refused_beyond_schema(into=f"{REFERENCE}; the suggestion itself, or one whose status takes no merge")
class MergeInput(serializers.Serializer):
    into = serializers.IntegerField(help_text=gettext_lazy("合并到的建议 id"), **ID)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    note = serializers.CharField()
