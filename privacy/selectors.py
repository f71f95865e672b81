"""Reads of the privacy pages: the region's people with what the administrator may do for each."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from organisations.models import Membership, Role


@dataclass
class Person:
    user: object
    roles: list[str]
    other_regions: bool  # a role in a region the administrator does not administer


def people_page(*, region, admin, page_number):
    """The region's people, 50 a page, by name: three queries whatever the page."""
    users = (
        Membership.objects.filter(region=region).order_by("user__last_name", "user__first_name", "user__username")
        .values_list("user_id", flat=True).distinct()
    )
    page = Paginator(list(dict.fromkeys(users)), 50).get_page(page_number)
    memberships = Membership.objects.filter(user_id__in=list(page)).select_related("user", "region", "clinic")
    administered = set(Membership.objects.filter(user=admin, role=Role.ADMIN).values_list("region_id", flat=True))
    by_user: dict[int, list] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    page.people = [
        Person(
            user=by_user[pk][0].user,
            roles=[m.label for m in by_user[pk] if m.region_id == region.pk],
            other_regions=any(m.region_id not in administered for m in by_user[pk]),
        )
        for pk in page if pk in by_user
    ]
    return page
