from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from liaison_stations.models import LiaisonStation, ReceptionDay, StandardItem, StationAssignment, StationStandard


class StationStandardInline(admin.TabularInline):
    model = StationStandard
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = StationAssignment
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(LiaisonStation)
class LiaisonStationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    inlines = [StationStandardInline, AssignmentInline]


@admin.register(StandardItem)
class StandardItemAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "position", "active"]
    raw_id_fields = ["region"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["station", "date", "start_time", "topic"]
    raw_id_fields = ["station", "deputies"]
