"""Who may see and change what. Every view reaches organisations through these helpers.

Rules: a user sees only the regions where they hold a membership; clinic staff see only their own clinic;
region administration needs the administratör role in that region. Objects outside the user's sight
answer 404 (their existence is not revealed); visible objects the user may not change answer 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from notifications.kinds import CLINIC, TEAM
from organisations.models import Clinic, Membership, NationalReader, Region, Role

ACTIVE_REGION_SESSION_KEY = "active_region_id"


def regions_for_user(user):
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(memberships__user=user).distinct()


def memberships_of(user) -> list[Membership]:
    """Every membership of the person, with its region and clinic, by region name: read once per request (one
    query, cached on the user object, which the authentication middleware reads anew for each request). Roles in
    a region, the header's regions and its role badges all come from here."""
    if not user.is_authenticated:
        return []
    if "_memberships" not in user.__dict__:
        memberships = Membership.objects.filter(user=user).select_related("region", "clinic")
        user.__dict__["_memberships"] = list(memberships.order_by("region__name", "region_id", "pk"))
    return user.__dict__["_memberships"]


def notification_audiences(user) -> set[str]:
    """Which e-mail notices are meant for the person (``notifications.kinds``): the team's, as follow-up staff or
    administrator anywhere, and the clinics', as a clinic's staff."""
    roles = {membership.role for membership in memberships_of(user)}
    return ({TEAM} if roles & {Role.ADMIN, Role.UPPFOLJARE} else set()) | ({CLINIC} if Role.VARDCENTRAL in roles else set())


def roles_in_region(user, region: Region) -> set[str]:
    """The user's roles in a region (no query of its own: ``memberships_of``)."""
    return {membership.role for membership in memberships_of(user) if membership.region_id == region.pk}


def is_region_admin(user, region: Region) -> bool:
    return user.is_authenticated and Role.ADMIN in roles_in_region(user, region)


def is_follow_up_member(user, region: Region) -> bool:
    """True for uppföljare and administrators: the region's own people, who see all its clinics."""
    return user.is_authenticated and bool({Role.ADMIN, Role.UPPFOLJARE} & roles_in_region(user, region))


def get_active_region(request: HttpRequest) -> Region | None:
    """The region the user is working in now: their choice in the session, else their first region."""
    user = request.user
    if not user.is_authenticated:
        return None
    if hasattr(request, "_active_region"):
        return request._active_region
    chosen_id = request.session.get(ACTIVE_REGION_SESSION_KEY)
    regions = user_regions(request)
    region = next((region for region in regions if region.pk == chosen_id), None) or (regions[0] if regions else None)
    request._active_region = region
    return region


def user_regions(request: HttpRequest) -> list[Region]:
    """The user's regions by name (the active region and the header's switcher), from ``memberships_of``."""
    if not hasattr(request, "_user_regions"):
        regions: dict[int, Region] = {}
        for membership in memberships_of(request.user):
            regions.setdefault(membership.region_id, membership.region)
        request._user_regions = list(regions.values())
    return request._user_regions


def set_active_region(request: HttpRequest, region_id: int) -> Region:
    region = regions_for_user(request.user).filter(pk=region_id).first()
    if region is None:
        raise Http404
    request.session[ACTIVE_REGION_SESSION_KEY] = region.pk
    request._active_region = region
    return region


def require_active_region(request: HttpRequest) -> Region:
    """The active region, or 403 for a signed-in user with no membership at all."""
    region = get_active_region(request)
    if region is None:
        raise PermissionDenied
    return region


def require_region_admin(request: HttpRequest) -> Region:
    """The active region, provided the user administers it; 403 otherwise."""
    region = require_active_region(request)
    if not is_region_admin(request.user, region):
        raise PermissionDenied
    return region


def get_clinic_for_user(user, pk: int) -> Clinic:
    clinic = Clinic.objects.for_user(user).select_related("region").filter(pk=pk).first()
    if clinic is None:
        raise Http404
    return clinic


def get_clinic_for_user_rw(user, pk: int) -> Clinic:
    """A clinic the user may edit (administrators of its region)."""
    clinic = get_clinic_for_user(user, pk)
    if not is_region_admin(user, clinic.region):
        raise PermissionDenied
    return clinic


def get_membership_for_user_rw(user, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(pk=pk, region__in=regions_for_user(user))
        .select_related("user", "region", "clinic")
        .first()
    )
    if membership is None:
        raise Http404
    if not is_region_admin(user, membership.region):
        raise PermissionDenied
    return membership


def clinics_for_user_in_region(user, region: Region):
    return Clinic.objects.for_user(user).filter(region=region)


# --- National readers ---------------------------------------------------------------------------------------
# A nationell läsare (``NationalReader``) belongs to no region: every region-scoped helper above treats them as a
# person without a membership (no active region; 404 for a region's objects, 403 for a page that needs a region).
# The national view alone is theirs; it is 404 for everyone else, since nothing there concerns a region's people.


def is_national_reader(user) -> bool:
    """Whether the user reads the national aggregates (one query, cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    if "_is_national_reader" not in user.__dict__:
        user.__dict__["_is_national_reader"] = NationalReader.objects.filter(user=user).exists()
    return user.__dict__["_is_national_reader"]


def require_national_reader(request: HttpRequest) -> None:
    """The national view's gate: 404 for anyone who is not a national reader."""
    if not is_national_reader(request.user):
        raise Http404
