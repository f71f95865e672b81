"""Django's admin for the feedback app: read-only views of shared versions (they never change) and the
region themes. Everyday work happens on the feedback pages."""

from django.contrib import admin

from feedback.models import ClinicComment, FeedbackReport, RegionTheme, SharedVersion


@admin.register(RegionTheme)
class RegionThemeAdmin(admin.ModelAdmin):
    list_display = ["region", "primary_colour", "secondary_colour", "font", "logo_name", "updated_at"]
    readonly_fields = ["logo_name", "updated_by", "updated_at"]


@admin.register(FeedbackReport)
class FeedbackReportAdmin(admin.ModelAdmin):
    list_display = ["dialogue", "title", "content_changed_at"]
    list_select_related = ["dialogue__clinic"]
    readonly_fields = ["dialogue", "created_by", "created_at", "content_changed_at", "content_changed_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SharedVersion)
class SharedVersionAdmin(ReadOnlyAdmin):
    list_display = ["report", "number", "shared_at", "shared_by"]
    list_select_related = ["report__dialogue__clinic", "shared_by"]


@admin.register(ClinicComment)
class ClinicCommentAdmin(ReadOnlyAdmin):
    list_display = ["version", "section_key", "author", "created_at"]
    list_select_related = ["version__report__dialogue__clinic", "author"]
