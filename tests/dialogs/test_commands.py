"""The guide is loaded by load_guide, load_content and the demo, each idempotent."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dialogs.models import Guide, GuideVersion, GuideVersionStatus
from organisations.models import Region


def test_load_guide_loads_once_and_then_reports_it_unchanged(db):
    out = StringIO()
    call_command("load_guide", stdout=out)
    call_command("load_guide", stdout=out)
    assert "Inläst: PrimärvårdsUppföljning – dialogstöd, Version 1 – SKR 2021." in out.getvalue()
    assert "Redan inläst och oförändrad" in out.getvalue()
    version = GuideVersion.objects.get()
    assert version.guide.region is None and version.status == GuideVersionStatus.PUBLISHED
    assert version.questions.count() == 104


def test_load_guide_refuses_a_broken_file_and_saves_nothing(db, tmp_path):
    broken = tmp_path / "guide.json"
    broken.write_text(json.dumps({"format": "primarvardsuppfoljning/guide", "format_version": 1}))
    with pytest.raises(CommandError, match="fältet ”guide” saknas"):
        call_command("load_guide", file=broken, stdout=StringIO())
    assert not Guide.objects.exists()


def test_load_content_loads_the_guide(db):
    call_command("load_content", stdout=StringIO())
    call_command("load_content", stdout=StringIO())
    assert GuideVersion.objects.filter(guide__region=None).count() == 1


def test_demo_gives_region_demo_its_guide_once(db, settings):
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    guide = Guide.objects.get(region=Region.objects.get(name="Region Demo"))
    assert guide.versions.get().status == GuideVersionStatus.PUBLISHED
