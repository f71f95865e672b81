"""Views of the dialogs app: the guide in guide.py and guide_editor.py; the start page here."""

from django.shortcuts import render

from organisations import access


def index(request):
    region = access.require_active_region(request)
    return render(
        request,
        "dialogs/index.html",
        {"region": region, "is_follow_up": access.is_follow_up_member(request.user, region)},
    )
