from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from activities.models import Activity, ActivityPhoto, Campaign, IssueRaised


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "kind", "region", "start_date", "end_date")
    list_filter = ("year", "kind")
    search_fields = ("title",)
    raw_id_fields = ("region",)


class IssueInline(admin.TabularInline):
    model = IssueRaised
    extra = 0
    raw_id_fields = ("deputies",)


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("date", "type", "region", "households_visited", "created_by")
    list_filter = ("type",)
    date_hierarchy = "date"
    raw_id_fields = ("region", "station", "group", "created_by")
    inlines = [IssueInline, PhotoInline]
