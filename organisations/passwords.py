"""Password sign-in, and the region setting that switches it off (``Region.password_sign_in``).

A person may sign in with a password while at least one of their regions allows it; people with no region
(the installation's own administrators) always may. The rule is checked in the authentication backend, so
Django's admin login follows it too; the login form then says why and points to the provider's button.
"""

from django.contrib.auth.backends import ModelBackend

from organisations.models import Region


def password_sign_in_allowed(user) -> bool:
    regions = Region.objects.filter(memberships__user=user)
    return regions.filter(password_sign_in=True).exists() or not regions.exists()


class RegionPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not password_sign_in_allowed(user):
            if request is not None:
                request.password_sign_in_refused = True  # read by LoginForm for its message
            return None
        return user
