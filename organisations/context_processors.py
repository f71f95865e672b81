from functools import partial

from organisations.access import get_active_region, is_national_reader, memberships_of, user_regions


def memberships(request):
    """Header context: the active region, the user's roles in it, and other regions to switch to.

    ``national_reader`` is a callable, so a template that asks whether the person is a nationell läsare runs its
    query, and every other page does not."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    national_reader = partial(is_national_reader, user)
    region = get_active_region(request)
    if region is None:
        return {"active_region": None, "active_memberships": [], "other_regions": [], "national_reader": national_reader}
    active = [membership for membership in memberships_of(user) if membership.region_id == region.pk]
    roles = {membership.role for membership in active}
    return {
        "active_region": region,
        "active_memberships": active,
        "active_roles": roles,
        "other_regions": [other for other in user_regions(request) if other.pk != region.pk],
        "national_reader": national_reader,
    }
