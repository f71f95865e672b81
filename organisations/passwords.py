"""Password sign-in, and the region setting that switches it off (``Region.password_sign_in``).

A person may sign in with a password while at least one of their regions allows it; people with no region
(the installation's own administrators) always may. The rule is checked in the authentication backend, so
Django's admin login follows it too; the login form then says why and points to the provider's button.
A session begun with a password ends at the person's next request once none of their regions allows passwords
any more (``get_user``), so switching passwords off takes effect at once rather than when sessions expire.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from organisations.models import Membership

PASSWORD_BACKEND = "organisations.passwords.RegionPasswordBackend"  # as AUTHENTICATION_BACKENDS names it


def password_sign_in_allowed(user) -> bool:
    """One query: the password setting of the region of each of the person's memberships."""
    settings = list(Membership.objects.filter(user=user).values_list("region__password_sign_in", flat=True))
    return any(settings) or not settings


class RegionPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_sign_in_allowed(user):
            if request is not None:
                request.password_sign_in_refused = True  # read by LoginForm for its message
            return None
        return user

    def get_user(self, user_id):
        """The signed-in person, read in the same single query as ModelBackend's, with whether their regions
        still accept passwords; None (signed out) when they no longer do."""
        memberships = Membership.objects.filter(user=OuterRef("pk"))
        users = get_user_model()._default_manager.annotate(
            _has_region=Exists(memberships), _password_region=Exists(memberships.filter(region__password_sign_in=True))
        )
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if user._has_region and not user._password_region:
            return None  # the session was begun with a password that the person's regions no longer accept
        return user
