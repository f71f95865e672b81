from django.contrib import admin

from privacy.models import PersonRemoval, RetentionBatch, RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    list_display = ["region", "years", "mode", "updated_at"]


@admin.register(RetentionBatch)
class RetentionBatchAdmin(admin.ModelAdmin):
    list_display = ["region", "mode", "status", "confirmed_at", "finished_at"]
    readonly_fields = [field.name for field in RetentionBatch._meta.fields]


@admin.register(PersonRemoval)
class PersonRemovalAdmin(admin.ModelAdmin):
    list_display = ["user", "removed_by", "removed_at"]
    readonly_fields = ["user", "removed_by", "removed_at", "summary"]
