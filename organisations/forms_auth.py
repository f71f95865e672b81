from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Login with one message for any failure, so it never reveals whether the user name exists."""

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Försök igen."),
        "inactive": _("Fel användarnamn eller lösenord. Försök igen."),
    }
