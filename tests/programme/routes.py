"""The programme's URLs in the authorization matrix (tests/authz_matrix.py), as each persona meets them on GET.
The due list and the year plan belong to region A's follow-up team (clinic staff 403); the cycle and a clinic's
own interval to its administrator (a clinic of A: B's outsider 404); everyone signed in has their own calendar
feed page; the feed itself opens with its secret token only (anyone holding it, signed in or not: 200; a token
nobody holds: 404). POST-only actions answer 405; their permissions are tested with POSTs in test_views.py."""

from tests.authz_matrix import EVERYONE_SIGNED_IN, REGION_ADMIN_ONLY, Route, statuses

FOLLOW_UP_TEAMS = statuses(200, staff_a1=403, staff_a2=403)
POST_ONLY = statuses(405)


def _clinic_a1(world):
    return {"pk": world.clinic_a1.pk}


def _feed_of_staff_a1(world):
    from programme.services import calendar_feed_create

    return {"token": calendar_feed_create(user=world.user("staff_a1")).token}


ROUTES = [
    Route("programme:due_list", FOLLOW_UP_TEAMS),
    Route("programme:due_list", FOLLOW_UP_TEAMS, query="?status=forsenad&sortera=namn&ordning=fallande&q=A1"),
    Route("programme:year_plan", FOLLOW_UP_TEAMS),
    Route("programme:year_plan", FOLLOW_UP_TEAMS, query="?ar=2027&manad=2"),
    Route("programme:cycle_settings", REGION_ADMIN_ONLY),
    Route("programme:clinic_cycle", statuses(403, admin=200, staff_a2=404, outsider=404), kwargs=_clinic_a1),
    Route("programme:clinic_cycle_reset", POST_ONLY, kwargs=_clinic_a1),
    Route("programme:calendar_feed", EVERYONE_SIGNED_IN),
    Route("programme:calendar_feed_create", POST_ONLY),
    Route("programme:calendar_feed_revoke", POST_ONLY),
    Route("programme:calendar_feed_ics", statuses(200, anonymous=200), kwargs=_feed_of_staff_a1),
    Route("programme:calendar_feed_ics", statuses(404, anonymous=404), kwargs=lambda world: {"token": "x" * 43}),
]
