from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from organisations import oidc


class LoginForm(AuthenticationForm):
    """Login with one message for any failure, so it never reveals whether the user name exists. The one
    exception is a correct password of a person whose regions have switched passwords off: they are told to use
    the identity provider's button (organisations/passwords.py)."""

    error_messages = {
        "invalid_login": _("Fel användarnamn eller lösenord. Försök igen."),
        "inactive": _("Fel användarnamn eller lösenord. Försök igen."),
        "password_off": _(
            "Din region har stängt av inloggning med lösenord. Logga in med knappen ”Logga in via %(provider)s” ovan."
        ),
        "password_off_no_provider": _(
            "Din region har stängt av inloggning med lösenord, och inloggning via regionens inloggningstjänst är "
            "inte inställd. Kontakta regionens administratör."
        ),
    }

    def get_invalid_login_error(self):
        if getattr(self.request, "password_sign_in_refused", False):
            if oidc.enabled():
                return forms.ValidationError(
                    self.error_messages["password_off"] % {"provider": oidc.provider_label()}, code="password_off"
                )
            return forms.ValidationError(self.error_messages["password_off_no_provider"], code="password_off")
        return super().get_invalid_login_error()
