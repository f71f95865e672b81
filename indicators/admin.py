from django.contrib import admin

from indicators.models import DataSource, ImportBatch, Indicator


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "region", "url"]
    list_filter = ["region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "source", "unit", "polarity", "target", "region", "active"]
    list_filter = ["source", "unit", "polarity", "region", "active"]
    search_fields = ["code", "name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "file_name", "region", "user", "status", "created_at", "added_count", "changed_count"]
    list_filter = ["region", "status", "format"]
    search_fields = ["file_name", "checksum"]
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False
