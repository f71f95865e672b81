"""The feedback pages in the authorization matrix (tests/authz_matrix.py), as each persona meets them on GET.

The draft belongs to region A's follow-up team: clinic A1's staff get 403, A2's staff and region B 404. A shared
version and its files are read by the team and A1's staff. POST-only actions answer 405 to GET; their
permissions are tested with POSTs in test_views.py."""

from tests.authz_matrix import REGION_ADMIN_ONLY, Route, statuses
from tests.feedback import factories

TEAM_OF_A_ON_A1 = statuses(200, staff_a1=403, staff_a2=404, outsider=404)
SHARED_WITH_A1 = statuses(200, staff_a2=404, outsider=404)
POST_ONLY = statuses(405)


def _report(world):
    return {"pk": factories.report(world).pk}


def _section(world):
    return {**_report(world), "key": "strengths"}


def _version(world):
    return {"pk": factories.shared_version(world).pk}


def _draft_file(fmt):
    return lambda world: {**_report(world), "fmt": fmt}


def _version_file(fmt):
    return lambda world: {**_version(world), "fmt": fmt}


ROUTES = [
    Route("feedback:report_create", POST_ONLY, kwargs=lambda world: {"dialogue_pk": factories.held_dialogue(world).pk}),
    Route("feedback:report_detail", TEAM_OF_A_ON_A1, kwargs=_report),
    Route("feedback:section_edit", TEAM_OF_A_ON_A1, kwargs=_section),
    Route("feedback:section_edit", statuses(404, staff_a1=403), kwargs=lambda world: {**_report(world), "key": "okand"}),
    Route("feedback:charts_edit", TEAM_OF_A_ON_A1, kwargs=_report),
    Route("feedback:report_share", TEAM_OF_A_ON_A1, kwargs=_report),
    Route("feedback:draft_download", TEAM_OF_A_ON_A1, kwargs=_draft_file("pptx")),
    Route("feedback:draft_download", TEAM_OF_A_ON_A1, kwargs=_draft_file("pdf")),
    Route("feedback:draft_download", statuses(404, staff_a1=403), kwargs=_draft_file("docx")),
    Route("feedback:version_detail", SHARED_WITH_A1, kwargs=_version),
    Route("feedback:version_download", SHARED_WITH_A1, kwargs=_version_file("pptx")),
    Route("feedback:version_download", SHARED_WITH_A1, kwargs=_version_file("pdf")),
    Route("feedback:comment_create", POST_ONLY, kwargs=lambda world: {**_version(world), "key": "strengths"}),
    Route("feedback:version_acknowledge", POST_ONLY, kwargs=_version),
    Route("feedback:reply_create", POST_ONLY, kwargs=lambda world: {"pk": factories.comment(world).pk}),
    Route("feedback:theme_edit", REGION_ADMIN_ONLY),
]
