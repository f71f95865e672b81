from django.contrib import admin

from accessibility.models import ProblemReport, StatementSettings


@admin.register(StatementSettings)
class StatementSettingsAdmin(admin.ModelAdmin):
    list_display = ["region", "organisation", "contact_email", "updated_at"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["region", "created_at", "page", "handled_at"]
    list_filter = ["region", "handled_at"]
    readonly_fields = ["client"]
