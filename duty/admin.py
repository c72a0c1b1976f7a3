from django.contrib import admin

from duty.models import OfficeEntry, PointRule, PointScheme, PublicPage, ReportMeeting, VoterReport


class PointRuleInline(admin.TabularInline):
    model = PointRule
    extra = 0


@admin.register(PointScheme)
class PointSchemeAdmin(admin.ModelAdmin):
    list_display = ("congress_region", "year", "threshold")
    list_filter = ("year",)
    inlines = [PointRuleInline]


admin.site.register(OfficeEntry)
admin.site.register(ReportMeeting)
admin.site.register(VoterReport)
admin.site.register(PublicPage)
