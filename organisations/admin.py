from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import Clinic, Membership, NationalReader, Region


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


@admin.register(NationalReader)
class NationalReaderAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "created_at"]
    search_fields = ["user__username", "user__email", "organisation"]
    raw_id_fields = ["user"]
    readonly_fields = ["granted_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
