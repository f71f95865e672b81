"""Django admin for support staff: the guide is read-only here. Administrators edit drafts in the app's own
editor, whose services guard the immutability of published versions; the admin would bypass them."""

from django.contrib import admin

from dialogs.models import Guide, GuideVersion, Question


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Guide)
class GuideAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "created_at"]
    list_filter = ["region"]


@admin.register(GuideVersion)
class GuideVersionAdmin(ReadOnlyAdmin):
    list_display = ["guide", "number", "label", "status", "published_at", "published_by"]
    list_filter = ["status", "guide__region"]
    list_select_related = ["guide__region", "published_by"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["key", "text", "kind", "section", "version"]
    list_filter = ["kind"]
    search_fields = ["key", "text"]
    list_select_related = ["section", "version__guide"]
