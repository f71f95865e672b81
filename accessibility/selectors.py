"""Reads for the accessibility statement: whose statement a visitor sees, and where they may report."""

from accessibility.models import StatementSettings
from organisations.access import get_active_region, user_regions
from organisations.models import Region


def settings_for(region: Region) -> StatementSettings:
    """The region's statement settings; an unsaved default (the region's own name, no contact) before any is saved."""
    return StatementSettings.objects.filter(region=region).select_related("region").first() or StatementSettings(
        region=region
    )


def statements_for(request) -> list[StatementSettings]:
    """A signed-in person sees their active region's statement; a visitor every region's that has given a contact
    (every region's, when none has)."""
    region = get_active_region(request)
    if region is not None:
        return [settings_for(region)]
    configured = list(
        StatementSettings.objects.select_related("region").exclude(contact_email="", contact_phone="").order_by(
            "region__name"
        )
    )
    return configured or [StatementSettings(region=region) for region in Region.objects.order_by("name")]


def report_regions(request) -> list[Region]:
    """The regions a report may go to: a signed-in person's own (the active one first), anyone else's choice of all."""
    if request.user.is_authenticated and user_regions(request):
        active = get_active_region(request)
        return sorted(user_regions(request), key=lambda region: region != active)
    # Signed out, or signed in without a region (a nationell läsare): every region to choose from.
    return list(Region.objects.order_by("name"))
