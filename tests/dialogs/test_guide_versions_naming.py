"""Guide administration (issue 10, §6): a new draft is started from a version's own page, and a region's edited
version is named as the region's, with SKR's text as its source."""

from django.urls import reverse
from django.utils import timezone

from dialogs.models import GuideVersion
from dialogs.services import guide as services
from tests.dialogs.factories import region_a_published


def test_a_new_draft_is_started_from_the_versions_own_page(world, client_for):
    published = region_a_published(world)
    admin = client_for("admin")
    url = reverse("dialogs:version_detail", args=[published.pk])
    page = admin.get(url).content.decode()
    assert 'data-testid="new-draft"' in page and reverse("dialogs:version_draft_start", args=[published.pk]) in page
    assert 'data-testid="new-draft"' not in client_for("bestallare").get(url).content.decode()  # not theirs to do
    response = admin.post(reverse("dialogs:version_draft_start", args=[published.pk]))
    draft = GuideVersion.objects.get(guide=published.guide, status="draft")
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:version_edit", args=[draft.pk])
    # With a draft under way the page leads to it instead of offering a second one.
    page = admin.get(url).content.decode()
    assert 'data-testid="new-draft"' not in page and reverse("dialogs:version_edit", args=[draft.pk]) in page


def test_a_regions_edited_version_is_named_as_the_regions_with_skr_as_the_source(world):
    published = region_a_published(world)
    draft = services.guide_version_draft_start(source=published, user=world.user("admin"))
    year = timezone.localdate().year
    assert draft.label == f"Region A {year}"
    assert draft.attribution.startswith("Bearbetad av Region A. Källa: ")
    assert published.attribution in draft.attribution
    assert (draft.source_title, draft.source_year, draft.source_url) == (
        published.source_title, published.source_year, published.source_url
    )
    version = services.guide_version_publish(version=draft, user=world.user("admin"))
    assert version.display_name == f"Version 2 – Region A {year}"
    # Editing the region's version again keeps one "Bearbetad av".
    again = services.guide_version_draft_start(source=version, user=world.user("admin"))
    assert again.attribution.count("Bearbetad av") == 1
