from tests.authz_matrix import Route, statuses

# The region's follow-up team and administrators; clinic staff are refused; B's uppföljare sees B's archive.
TEAM = statuses(403, admin=200, bestallare=200, utveckling=200, outsider=200)
# An object of region A for its follow-up team: clinic staff 403, B's uppföljare and the nationell läsare 404.
TEAM_OBJECT = statuses(403, admin=200, bestallare=200, utveckling=200, outsider=404)


def _export(world):
    from tests.archive.factories import finished_export

    return {"pk": finished_export(world).pk}


def _closed_dialogue(world):
    from tests.archive.factories import closed

    return {"pk": closed(world).pk}


ROUTES = [
    Route("archive:index", TEAM),
    Route("archive:export_create", statuses(405)),  # POST only
    Route("archive:export_detail", TEAM_OBJECT, kwargs=_export),
    Route("archive:export_status", TEAM_OBJECT, kwargs=_export),
    Route("archive:export_download", TEAM_OBJECT, kwargs=_export),
    # A1's closed dialogue: A1's staff see it but may not export (403), A2's staff do not see it (404).
    Route("archive:dialogue_package", statuses(403, admin=200, bestallare=200, utveckling=200, staff_a2=404,
                                                outsider=404), kwargs=_closed_dialogue),
]
