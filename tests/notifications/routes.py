from tests.authz_matrix import EVERYONE_SIGNED_IN, Route

ROUTES = [
    Route("notifications:settings", EVERYONE_SIGNED_IN),
]
