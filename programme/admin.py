from django.contrib import admin

from programme.models import CalendarFeed, ClinicCycle, CycleSettings, ScheduledJob


@admin.register(CycleSettings)
class CycleSettingsAdmin(admin.ModelAdmin):
    list_display = ["region", "interval_months", "letter_weeks_before", "preparation_days_before", "feedback_due_days_after"]


@admin.register(ClinicCycle)
class ClinicCycleAdmin(admin.ModelAdmin):
    list_display = ["clinic", "interval_months", "reason"]
    list_select_related = ["clinic"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    exclude = ["token"]  # the secret stays with its owner


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_started_at", "last_finished_at"]
    readonly_fields = ["name", "last_started_at", "last_finished_at", "last_output", "last_error"]
