from django.contrib import admin

from reports.models import CampaignReport


@admin.register(CampaignReport)
class CampaignReportAdmin(admin.ModelAdmin):
    list_display = ("region", "campaign", "state", "created_by", "created_at", "finished_at")
    list_filter = ("state",)
    raw_id_fields = ("region", "campaign", "created_by", "requested_by")
