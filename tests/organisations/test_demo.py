import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Clinic, Membership, Region


def test_demo_refuses_to_create_demo_users_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("demo")
    assert not get_user_model().objects.filter(username="demo-admin").exists()


def test_demo_is_idempotent_and_creates_the_personas(db, settings):
    settings.DEBUG = True
    call_command("demo")
    counts = (Region.objects.count(), Clinic.objects.count(), Membership.objects.count())
    call_command("demo")
    assert (Region.objects.count(), Clinic.objects.count(), Membership.objects.count()) == counts
    demo = Region.objects.get(name="Region Demo")
    assert demo.clinics.count() >= 8
    assert set(demo.clinics.values_list("regiform", flat=True)) == {"offentlig", "privat"}
    users = get_user_model().objects.filter(username__startswith="demo-")
    assert {user.username for user in users} >= {
        "demo-admin", "demo-bestallare", "demo-utveckling", "demo-vc1", "demo-vc2", "demo-exempel",
    }
    assert all(user.check_password("demo") for user in users)
    vc1 = Membership.objects.get(user__username="demo-vc1").clinic
    vc2 = Membership.objects.get(user__username="demo-vc2").clinic
    assert vc1 != vc2 and vc1.region == vc2.region == demo
    assert list(Membership.objects.filter(user__username="demo-exempel").values_list("region__name", flat=True)) == [
        "Region Exempel"
    ]
