"""Small pieces shared by the views of the dialogs app."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from dialogs.models import GuideVersionLocked
from dialogs.services.answers import NotInGuide


def conflict_on_locked(view):
    """Answer 409 Conflict, with an explanation, when a view tries to change a version that is no longer a
    draft (e.g. a form left open while a colleague published, or a crafted request)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except GuideVersionLocked as error:
            return render(request, "dialogs/guide/locked.html", {"message": str(error)}, status=409)

    return wrapper


def not_found_outside_guide(view):
    """Answer 404 for a screen or question that is not part of the dialogue's guide version (the selectors and
    services say so with NotInGuide; translating it is the view's part)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotInGuide:
            raise Http404 from None

    return wrapper


def redirect_to_editor(version_id: int, anchor: str = ""):
    url = reverse("dialogs:version_edit", args=[version_id])
    return redirect(f"{url}#{anchor}" if anchor else url)
