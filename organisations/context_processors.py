from organisations.access import get_active_region, user_regions
from organisations.models import Membership


def memberships(request):
    """Header context: the active region, the user's roles in it, and other regions to switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    region = get_active_region(request)
    if region is None:
        return {"active_region": None, "active_memberships": [], "other_regions": []}
    active = list(Membership.objects.filter(user=user, region=region).select_related("clinic"))
    roles = {membership.role for membership in active}
    return {
        "active_region": region,
        "active_memberships": active,
        "active_roles": roles,
        "other_regions": [other for other in user_regions(request) if other.pk != region.pk],
    }
