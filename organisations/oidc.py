"""Sign-in through the region's identity provider (OpenID Connect, with mozilla-django-oidc).

The flow is the authorization code flow with PKCE: the sign-in button (a POST) stores a random state, nonce and
PKCE verifier in the session and sends the browser to the provider; the provider sends it back to the callback
with a code, which is exchanged for tokens. The ID token must be signed by a key of the provider's key set
(jwks_uri), name this service as its audience and the configured issuer, be current (exp, iat) and carry the
nonce of this sign-in; the state is used once. The person is then found among the service's existing members by
HSA-id or e-mail: nobody gets an account or a role by signing in.

The provider's endpoints come from its discovery document (``OIDC_ISSUER``), read when a sign-in first needs
them and kept for ``OIDC_DISCOVERY_TTL`` seconds, unless given one by one (``OIDC_OP_*``). A password sign-in
never waits for the provider: the backend reads its settings only when it handles a provider's answer.

Every refusal raises ``SignInRefused`` with a reason code; the callback view logs it and shows its page.
"""

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from organisations.models import HsaIdentity

logger = logging.getLogger(__name__)

# How long a sign-in begun at the provider may take before its state is no longer accepted.
STATE_MAX_AGE_SECONDS = 15 * 60


class SignInRefused(Exception):
    """The provider's answer was not trusted, or names nobody in the service. ``reason`` is a short code for the
    log and decides the page the person sees (organisations/templates/registration/oidc_refused.html)."""

    status = 400

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class UnknownPerson(SignInRefused):
    status = 403


class ProviderUnavailable(SignInRefused):
    status = 503

    def __init__(self, detail: str = ""):
        super().__init__("provider_unavailable", detail)


def enabled() -> bool:
    """Whether this installation signs people in through an identity provider at all."""
    return bool(settings.OIDC_RP_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT))


def provider_label() -> str:
    return settings.OIDC_PROVIDER_NAME or str(_("regionens inloggningstjänst"))


# --- The provider's endpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


_ENDPOINT_SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "end_session_endpoint": "OIDC_OP_END_SESSION_ENDPOINT",
}
_discovered: dict[str, tuple[float, dict]] = {}
_discovery_lock = threading.Lock()


def _discover(issuer: str) -> dict:
    """The provider's discovery document, from memory while it is fresh."""
    with _discovery_lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < settings.OIDC_DISCOVERY_TTL:
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery {url}: {error}") from error
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched for.
        raise ProviderUnavailable(f"discovery {url} names another issuer: {document.get('issuer') if isinstance(document, dict) else '?'}")
    with _discovery_lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def forget_provider_metadata() -> None:
    """Read the discovery document again at the next sign-in (tests, or after the provider changed)."""
    with _discovery_lock:
        _discovered.clear()


def provider_metadata() -> ProviderMetadata:
    """The endpoints to use: each one set explicitly wins over the discovery document."""
    explicit = {field: getattr(settings, name) for field, name in _ENDPOINT_SETTINGS.items()}
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    document = {}
    if settings.OIDC_ISSUER and not all(explicit[field] for field in needed + ("userinfo_endpoint",)):
        document = _discover(settings.OIDC_ISSUER)
    values = {field: explicit[field] or str(document.get(field) or "") for field in _ENDPOINT_SETTINGS}
    missing = [field for field in needed if not values[field]]
    if missing:
        raise ProviderUnavailable(f"no {', '.join(missing)} configured or discovered")
    return ProviderMetadata(issuer=settings.OIDC_ISSUER or str(document.get("issuer") or ""), **values)


# --- Who the provider names -----------------------------------------------------------------------------------


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


def person_for_claims(claims: dict):
    """The active member the claims name: by HSA-id (``OIDC_HSA_ID_CLAIM``) first, else by a single matching
    e-mail address (``OIDC_EMAIL_CLAIM``). Someone with no role anywhere is as unknown as a stranger."""
    User = get_user_model()
    members = User.objects.filter(is_active=True, memberships__isnull=False).distinct()
    hsa_id = _claim(claims, settings.OIDC_HSA_ID_CLAIM).upper()
    email = _claim(claims, settings.OIDC_EMAIL_CLAIM)
    if hsa_id:
        user = members.filter(hsa_identity__hsa_id=hsa_id).first()
        if user is not None:
            return user
    if email and claims.get("email_verified") is not False:
        matches = list(members.filter(email__iexact=email).select_related("hsa_identity")[:2])
        if len(matches) > 1:
            raise UnknownPerson("ambiguous_email", email)
        if matches:
            recorded = getattr(matches[0], "hsa_identity", None)
            # A person whose HSA-id is recorded is named by it: the same address with another HSA-id is
            # somebody else (a reused or shared mailbox).
            if hsa_id and recorded is not None and recorded.hsa_id != hsa_id:
                raise UnknownPerson("hsa_id_mismatch", f"{email}: {hsa_id} ≠ {recorded.hsa_id}")
            return matches[0]
    raise UnknownPerson("unknown_person", f"hsa_id={hsa_id!r} email={email!r} sub={_claim(claims, 'sub')!r}")


# --- The authentication backend ----------------------------------------------------------------------------------


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, made strict: the ID token's audience, issuer and times are checked (the
    library leaves the audience unchecked), every failure is a ``SignInRefused`` instead of a 500 or a silent
    None, nobody is created, and the endpoints come from ``provider_metadata`` when needed."""

    def __init__(self, *args, **kwargs):
        # The library reads every endpoint here; Django builds the backends for each password sign-in too.
        self.UserModel = get_user_model()

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_metadata().token_endpoint)
    OIDC_OP_USER_ENDPOINT = property(lambda self: provider_metadata().userinfo_endpoint)
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_metadata().jwks_uri)

    def authenticate(self, request, **kwargs):
        if request is None or "code_verifier" not in kwargs or not enabled():
            return None  # a password sign-in, or no provider configured
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            raise SignInRefused("provider_refused", str(error)[:500]) from error
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(str(error)[:500]) from error

    def get_user(self, user_id):
        # Django's rule (an inactive person's session ends), not the library's plain lookup.
        return ModelBackend.get_user(self, user_id)

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except SuspiciousOperation as error:
            raise SignInRefused("unknown_key", str(error)) from error
        except (jwt.PyJWTError, KeyError, TypeError) as error:
            raise SignInRefused("invalid_token", f"{type(error).__name__}: {error}") from error

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as error:  # the library's nonce check
            raise SignInRefused("nonce_mismatch", str(error)) from error

    def _verify_jws(self, payload, key):
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as error:
            raise SignInRefused("invalid_token", str(error)) from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused("unexpected_algorithm", f"{algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_metadata().issuer,
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.InvalidSignatureError as error:
            raise SignInRefused("bad_signature", str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise SignInRefused("wrong_audience", str(error)) from error
        except jwt.ExpiredSignatureError as error:
            raise SignInRefused("expired_token", str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise SignInRefused("wrong_issuer", str(error)) from error
        except jwt.ImmatureSignatureError as error:
            raise SignInRefused("token_not_yet_valid", str(error)) from error
        except jwt.PyJWTError as error:
            raise SignInRefused("invalid_token", f"{type(error).__name__}: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefused("wrong_audience", f"azp {claims.get('azp')!r} with audiences {audiences}")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        if not self.OIDC_OP_USER_ENDPOINT:
            return payload  # a provider without a userinfo endpoint puts the claims in the ID token
        claims = super().get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            # OpenID Connect Core 1.0, 5.3.2: userinfo about someone else than the ID token must not be used.
            raise SignInRefused("userinfo_mismatch", "the userinfo response names another subject")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        return person_for_claims(self.get_userinfo(access_token, id_token, payload))

    def store_tokens(self, access_token, id_token):
        # Kept on the request until the person is signed in: auth.login may empty the session before that.
        self.request.oidc_id_token = id_token


# --- The callback and sign-out -------------------------------------------------------------------------------------


def user_from_callback(request):
    """The person the provider's answer on the callback names, or ``SignInRefused``.

    The state must be one this browser's session started, less than ``STATE_MAX_AGE_SECONDS`` ago; it is removed
    before anything else happens, so an answer replayed (or a second tab's old one) is refused."""
    if not enabled():
        raise SignInRefused("not_configured")
    if request.GET.get("error"):
        _take_state(request)
        raise SignInRefused("provider_error", f"{request.GET.get('error')}: {request.GET.get('error_description', '')}"[:300])
    code, state = request.GET.get("code"), request.GET.get("state")
    if not code or not state:
        raise SignInRefused("incomplete_answer")
    entry = _take_state(request)
    if entry is None:
        raise SignInRefused("unknown_state", "not started in this session, or already used")
    if time.time() - float(entry.get("added_on") or 0) > STATE_MAX_AGE_SECONDS:
        raise SignInRefused("stale_state")
    issuer = request.GET.get("iss")
    if issuer and issuer != provider_metadata().issuer:
        # RFC 9207: an answer from another provider than the one asked (mix-up attack).
        raise SignInRefused("wrong_issuer", f"callback iss {issuer!r}")
    user = auth.authenticate(request=request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
    if user is None or not user.is_active:
        raise UnknownPerson("unknown_person", "no backend accepted the answer")
    return user


def complete_sign_in(request, user) -> None:
    """Sign the person in here, keeping the provider's ID token for the sign-out (``provider_logout_url``)."""
    auth.login(request, user)
    request.session["oidc_id_token"] = getattr(request, "oidc_id_token", "")


def _take_state(request) -> dict | None:
    states = request.session.get("oidc_states")
    state = request.GET.get("state")
    if not isinstance(states, dict) or not isinstance(state, str) or state not in states:
        return None
    entry = states.pop(state)
    request.session["oidc_states"] = states
    request.session.save()
    return entry if isinstance(entry, dict) else None


def provider_logout_url(request) -> str:
    """Where the browser goes after signing out here: the provider's end_session_endpoint (which ends the session
    at the provider and comes back to the login page) for a person who signed in there, else the login page."""
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get("oidc_id_token")
    if not id_token or not enabled():
        return local
    try:
        endpoint = provider_metadata().end_session_endpoint
    except ProviderUnavailable as error:
        logger.warning("Signed out here only: the identity provider could not be reached (%s)", error.detail)
        return local
    if not endpoint:
        return local
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(local),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
