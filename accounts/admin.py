from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import pgettext_lazy

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "full_name")
    raw_id_fields = ("region",)
    fieldsets = DjangoUserAdmin.fieldsets + ((pgettext_lazy("product name", "代表行动"), {"fields": ("full_name", "role", "region", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((pgettext_lazy("product name", "代表行动"), {"fields": ("full_name", "role", "region")}),)
