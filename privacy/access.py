"""Who may see and do what with personal data: a region's administrators handle its rule and its people; each
person reads their own extract."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organisations.access import regions_for_user
from organisations.models import Membership
from privacy.models import RetentionBatch
from privacy.removal import removable_by


def get_person_for_admin(user, pk: int):
    """A person with a role in one of the user's regions (404 otherwise), whom the user administers in every
    region of theirs (403 otherwise)."""
    person = get_user_model().objects.filter(pk=pk).first()
    if person is not None and not Membership.objects.filter(user=person, region__in=regions_for_user(user)).exists():
        person = None
    if person is None:
        raise Http404
    if not removable_by(user, person):
        raise PermissionDenied
    return person


def get_batch_for_admin(user, pk: int, region) -> RetentionBatch:
    batch = RetentionBatch.objects.filter(pk=pk, region=region).first()
    if batch is None:
        raise Http404
    return batch
