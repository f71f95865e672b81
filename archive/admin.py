from django.contrib import admin

from archive.models import ArchiveExport


@admin.register(ArchiveExport)
class ArchiveExportAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "status", "requested_at", "expires_at"]
    readonly_fields = [field.name for field in ArchiveExport._meta.fields]
