from django.shortcuts import render

from organisations import access


def index(request):
    region = access.require_active_region(request)
    return render(request, "indicators/index.html", {"region": region})
