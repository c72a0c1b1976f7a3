from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from deputies.models import Deputy, DeputyGroup, Mandate, Membership


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    raw_id_fields = ["congress_region"]


@admin.register(Deputy)
class DeputyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gender", "region", "sector", "active"]
    list_filter = ["active", "gender"]
    search_fields = ["name", "name_initials"]
    raw_id_fields = ["region", "user"]
    inlines = [MandateInline]


@admin.register(Mandate)
class MandateAdmin(SimpleHistoryAdmin):
    list_display = ["deputy", "level", "congress_region", "term"]
    list_filter = ["level", "term"]
    raw_id_fields = ["deputy", "congress_region"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "active"]
    list_filter = ["kind", "active"]
    raw_id_fields = ["region", "home_station", "leader"]
    inlines = [MembershipInline]
