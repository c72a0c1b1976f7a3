from django.contrib import admin

from residents.models import HotIssue, ResidentMessage


@admin.register(ResidentMessage)
class ResidentMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "station", "status", "held_reason", "created_at"]
    list_filter = ["status", "held_reason"]
    raw_id_fields = ["station", "region", "suggestion", "replied_by", "reviewed_by"]
    readonly_fields = ["token", "submitter_hash"]


@admin.register(HotIssue)
class HotIssueAdmin(admin.ModelAdmin):
    list_display = ["label", "size", "scope_prefix", "computed_at"]
    raw_id_fields = ["campaign"]
    filter_horizontal = []
    exclude = ["suggestions", "messages"]
