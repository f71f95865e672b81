from tests.authz_matrix import EVERYONE_SIGNED_IN, REGION_ADMIN_ONLY, Route, statuses


def _batch(world):
    from privacy.models import RetentionBatch

    batch = RetentionBatch.objects.create(region=world.region_a, mode="fritext", years=5, dialogue_ids=[], status="done")
    return {"pk": batch.pk}


def _person(world):
    return {"pk": world.user("staff_a1").pk}


ROUTES = [
    Route("privacy:index", REGION_ADMIN_ONLY),
    Route("privacy:retention_settings", REGION_ADMIN_ONLY),
    Route("privacy:retention_preview", REGION_ADMIN_ONLY),
    Route("privacy:retention_confirm", statuses(405)),  # POST only
    # Region A's log: its administrators only; B's outsider gets the refusal of a page they may not open (403:
    # the address names no object of theirs, and the check is of the active region's administrator first).
    Route("privacy:retention_batch", REGION_ADMIN_ONLY, kwargs=_batch),
    # A person of region A: A's administrator (who administers every region of theirs); others of A 403, others 404.
    Route("privacy:person_extract", statuses(403, admin=200, outsider=404), kwargs=_person),
    Route("privacy:person_remove", statuses(403, admin=200, outsider=404), kwargs=_person),
    Route("privacy:my_data", EVERYONE_SIGNED_IN),
    Route("privacy:my_extract", EVERYONE_SIGNED_IN),
]
