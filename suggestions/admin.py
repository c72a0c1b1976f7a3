"""Superuser admin (offices work through the product's pages). Events are read-only: append-only."""

from django.contrib import admin

from suggestions.models import (
    CalendarDay,
    CalendarYear,
    Department,
    Handler,
    RouterModel,
    RoutingRule,
    SideEffect,
    Suggestion,
    SuggestionEvent,
    TrainingExample,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name"]


@admin.register(Handler)
class HandlerAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    raw_id_fields = ["user", "department"]


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor_label", "from_status", "to_status", "note", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    # Status changes only through services: the admin shows it but never edits it.
    list_display = ["number", "title", "status", "region", "submitted_at"]
    list_filter = ["status", "category"]
    search_fields = ["number", "title"]
    readonly_fields = ["status", "submitted_at", "closed_at", "router_guesses"]
    raw_id_fields = ["region", "lead_deputy", "campaign", "source_activity", "source_issue", "duplicate_of", "submitted_by"]
    inlines = [EventInline]


admin.site.register(CalendarDay)
admin.site.register(CalendarYear)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "keyword", "category", "department", "weight", "active"]
    list_filter = ["active", "category"]
    search_fields = ["keyword", "department__name"]
    raw_id_fields = ["region", "department"]
    filter_horizontal = ["co_handlers"]


@admin.register(RouterModel)
class RouterModelAdmin(admin.ModelAdmin):
    """Versions are made by ``manage.py retrain_router`` and switched with ``--rollback``: read-only here,
    so the one-active-version rule is never broken by hand."""

    list_display = ["version", "active", "examples", "created_at"]
    readonly_fields = ["version", "active", "examples", "metrics", "created_at"]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["category", "source", "suggestion", "created_at"]
    list_filter = ["source", "category"]
    raw_id_fields = ["suggestion"]


@admin.register(SideEffect)
class SideEffectAdmin(admin.ModelAdmin):
    """The outbox, to look at: rows not done (the sweeper delivers them every minute) and the error of
    any that keep failing (left alone after ``side_effects.MAX_ATTEMPTS``). Read-only: the worker writes it."""

    list_display = ["pk", "kind", "created_at", "done_at", "attempts"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["kind", "payload", "created_at", "done_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
