from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import Clinic, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kolada_id"]
    search_fields = ["name"]


@admin.register(Clinic)
class ClinicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "hsa_id", "region", "regiform", "listed_patients"]
    list_filter = ["region", "regiform", "active"]
    search_fields = ["name", "hsa_id"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "region", "role", "party", "clinic"]
    list_filter = ["region", "role", "party"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["clinic"]
