from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications import services
from notifications.forms import NotificationSettingsForm
from notifications.models import NotificationSettings


@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Each person chooses the language of their e-mail and which optional reminders they get."""
    chosen = NotificationSettings.objects.filter(user=request.user).first()
    muted = set(chosen.muted_kinds) if chosen else set()
    initial = {"language": services.language_for(request.user)}
    form = NotificationSettingsForm(request.POST or None, initial=initial, user=request.user, muted=muted)
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(
            user=request.user, language=form.cleaned_data["language"], muted_kinds=form.muted_kinds()
        )
        messages.success(request, _("Dina e-postinställningar är sparade."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
