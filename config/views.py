"""Pages that belong to no single app: the start page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils import timezone
from django.views.decorators.cache import never_cache

from dialogs.selectors.dialogue import upcoming_dialogues_for_user
from organisations import access
from programme.todos import todos_for


def home(request):
    region = access.get_active_region(request)
    context = {"region": region, "today": timezone.localdate(), "national_reader": access.is_national_reader(request.user)}
    if region is not None:
        context["clinics"] = access.clinics_for_user_in_region(request.user, region).order_by("name")[:50]
        context["is_admin"] = access.is_region_admin(request.user, region)
        context["is_follow_up"] = access.is_follow_up_member(request.user, region)
        context["upcoming_dialogues"] = upcoming_dialogues_for_user(request.user, 5, region=region)
        context["todo_groups"] = todos_for(user=request.user, region=region, today=context["today"])
    return render(request, "home.html", context)


@login_not_required
@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on a page that names no icon (a printable page, a PDF): the site's icon."""
    response = redirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
