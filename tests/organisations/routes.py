from tests.authz_matrix import REGION_ADMIN_ONLY, Route, statuses

ROUTES = [
    # Sign-in through the identity provider: the button is a POST; without a configured provider the callback
    # does not exist (404) for anyone.
    Route("oidc_start", statuses(405, anonymous=405)),
    Route("oidc_callback", statuses(404, anonymous=404)),
    Route("organisations:region_sign_in", REGION_ADMIN_ONLY),
]
