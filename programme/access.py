"""Who may see and change the programme. Every programme view goes through these helpers.

- The due list and the year plan belong to the region's follow-up team (administrators and uppföljare); clinic
  staff get 403 (the pages are the region's planning, not theirs).
- The cycle settings and a clinic's own interval are changed by the region's administrators: the rest of the
  team gets 403, a clinic of another region 404.
- Everyone signed in has their own calendar feed; its address, with the secret token, is the only key to the
  feed itself (calendar programs cannot sign in). A token nobody holds answers 404, also once revoked.
"""

from django.http import Http404, HttpRequest

from dialogs.access import require_follow_up_region
from organisations.access import get_clinic_for_user_rw, require_region_admin
from organisations.models import Clinic, Region
from programme.models import CalendarFeed

TOKEN_MAX_LENGTH = 64


def require_programme_team(request: HttpRequest) -> Region:
    """The active region, provided the user is on its follow-up team; 403 otherwise."""
    return require_follow_up_region(request)


def require_programme_admin(request: HttpRequest) -> Region:
    return require_region_admin(request)


def get_clinic_for_cycle_rw(user, pk: int) -> Clinic:
    """A clinic whose interval the user may change: administrators of its region."""
    return get_clinic_for_user_rw(user, pk)


def get_feed_by_token(token: str) -> CalendarFeed:
    """The feed behind a token, for an active person; 404 for anything else (a revoked or made-up token)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise Http404
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed
