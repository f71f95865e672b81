"""Signing in: the login page, sign-in through the region's identity provider (organisations/oidc.py) and the
region's sign-in setting."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from organisations import access, oidc, services
from organisations.forms import RegionSignInForm
from organisations.forms_auth import LoginForm
from organisations.passwords import PASSWORD_BACKEND

logger = logging.getLogger("organisations.oidc")


class SignInView(auth_views.LoginView):
    """Django's login page, with the identity provider's button above the password form when one is set up."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc.enabled(), "provider": oidc.provider_label()}


def _refused(request, refusal: oidc.SignInRefused):
    logger.warning("Sign-in through the identity provider refused: %s (%s)", refusal.reason, refusal.detail)
    context = {"reason": refusal.reason, "provider": oidc.provider_label()}
    return render(request, "registration/oidc_refused.html", context, status=refusal.status)


@method_decorator([login_not_required, never_cache], name="dispatch")
class ProviderSignInStart(OIDCAuthenticationRequestView):
    """The button (a POST): state, nonce and PKCE verifier go into the session, the browser to the provider."""

    http_method_names = ["post"]

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library reads the endpoints here; they are read below, when needed

    def post(self, request):
        if not oidc.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider_metadata().authorization_endpoint
        except oidc.SignInRefused as refusal:
            return _refused(request, refusal)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return self.get(request)


@login_not_required
@never_cache
@require_GET
def provider_callback(request):
    """The provider sends the browser back here with a code (or an error). Signing in is the one write a GET
    makes: the provider's answer arrives as a GET by the protocol's design."""
    if not oidc.enabled():
        raise Http404
    next_url = request.session.get("oidc_login_next")
    try:
        user = oidc.user_from_callback(request)
    except oidc.SignInRefused as refusal:
        return _refused(request, refusal)
    oidc.complete_sign_in(request, user)
    logger.info("Signed in through the identity provider: user %s", user.pk)
    return redirect(next_url or resolve_url("home"))


def region_sign_in(request):
    """The region's sign-in setting (administrators): whether its people may sign in with a password."""
    region = access.require_region_admin(request)
    form = RegionSignInForm(
        request.POST if request.method == "POST" else None, initial={"password_sign_in": region.password_sign_in}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.region_sign_in_save(region=region, password_sign_in=form.cleaned_data["password_sign_in"])
        except services.RegionSettingError as error:
            form.add_error("password_sign_in", str(error))
        else:
            messages.success(request, _("Inloggningsinställningen är sparad."))
            return redirect("organisations:region_sign_in")
    signed_in_with_password = request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
    context = {"form": form, "region": region, "oidc_enabled": oidc.enabled(), "provider": oidc.provider_label(),
               "signed_in_with_password": signed_in_with_password and region.password_sign_in}
    return render(request, "organisations/region_sign_in.html", context)
