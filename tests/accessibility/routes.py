from tests.authz_matrix import PUBLIC, REGION_ADMIN_ONLY, Route, statuses

ROUTES = [
    Route("accessibility:statement", PUBLIC),
    Route("accessibility:report_create", PUBLIC),
    Route("accessibility:report_sent", PUBLIC),
    Route("accessibility:settings", REGION_ADMIN_ONLY),
    Route("accessibility:report_list", REGION_ADMIN_ONLY),
    Route("accessibility:report_handle", statuses(405), kwargs=lambda world: {"pk": 1}),  # POST only
]
