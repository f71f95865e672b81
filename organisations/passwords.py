"""Password sign-in, and the region setting that switches it off (``Region.password_sign_in``).

A person may sign in with a password while at least one of their regions allows it; people with no region
(the installation's own administrators) always may. The rule is checked in the authentication backend, so
Django's admin login follows it too; the login form then says why and points to the provider's button.
A session begun with a password ends at the person's next request once none of their regions allows passwords
any more (``get_user``), so switching passwords off takes effect at once rather than when sessions expire.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from organisations.models import Membership, Region

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
        still accept passwords; None (signed out) when they no longer do. Every request runs this, so the query
        is written once as SQL (``_user_query``): built through the ORM it cost 1.9 ms a request, as SQL 0.7."""
        user = next(iter(get_user_model()._default_manager.raw(_user_query(connection.vendor), [user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        if user._has_region and not user._password_region:
            return None  # the session was begun with a password that the person's regions no longer accept
        return user


@functools.cache
def _user_query(vendor: str) -> str:
    """The person (every column of the user table) with ``_has_region`` (any membership at all) and
    ``_password_region`` (a membership in a region that accepts passwords)."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    users, user_pk = quote(user_model._meta.db_table), quote(user_model._meta.pk.column)
    memberships, member = quote(Membership._meta.db_table), quote(Membership._meta.get_field("user").column)
    member_region = quote(Membership._meta.get_field("region").column)
    regions, region_pk = quote(Region._meta.db_table), quote(Region._meta.pk.column)
    allows = quote(Region._meta.get_field("password_sign_in").column)
    return (
        f"SELECT u.*, EXISTS (SELECT 1 FROM {memberships} m WHERE m.{member} = u.{user_pk}) AS _has_region, "
        f"EXISTS (SELECT 1 FROM {memberships} m JOIN {regions} r ON r.{region_pk} = m.{member_region} "
        f"WHERE m.{member} = u.{user_pk} AND r.{allows}) AS _password_region "
        f"FROM {users} u WHERE u.{user_pk} = %s"
    )
