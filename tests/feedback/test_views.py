"""Feedback pages and actions per persona: the team writes and shares, the clinic reads what was shared,
comments and acknowledges, the team replies; downloads are authorized like the pages."""

import base64
import io
import logging
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from PIL import Image

from feedback import services
from feedback.models import (
    Acknowledgement,
    ClinicComment,
    FeedbackReport,
    RegionTheme,
    SharedFile,
    SharedVersion,
    TeamReply,
)
from tests.feedback import factories
from tests.feedback.conftest import HOSTILE, SCRIPT

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _post(client, name, data=None, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data or {})


def test_the_team_sees_held_dialogues_and_starts_the_feedback(world, client_for):
    dialogue = factories.held_dialogue(world)
    client = client_for("bestallare")
    page = client.get(reverse("feedback:index"))
    assert "Vårdcentral A1" in page.content.decode() and "Inte påbörjad" in page.content.decode()
    response = _post(client, "feedback:report_create", dialogue_pk=dialogue.pk)
    report = FeedbackReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()


@pytest.mark.parametrize("persona, status", [("staff_a1", 403), ("staff_a2", 404), ("outsider", 404)])
def test_only_the_team_starts_feedback(world, client_for, persona, status):
    dialogue = factories.held_dialogue(world)
    assert _post(client_for(persona), "feedback:report_create", dialogue_pk=dialogue.pk).status_code == status
    assert not FeedbackReport.objects.exists()


def test_the_overview_costs_the_same_for_many_dialogues(world, client_for, django_assert_max_num_queries):
    factories.report(world)
    client = client_for("bestallare")
    with django_assert_max_num_queries(12) as captured:
        client.get(reverse("feedback:index"))
    few = len(captured)
    for _number in range(3):
        services.feedback_create(dialogue=factories.held_dialogue(world, booked=False), user=world.user("bestallare"))
    with django_assert_max_num_queries(few):
        client.get(reverse("feedback:index"))


def test_clinic_staff_see_only_shared_feedback_of_their_clinic(world, client_for):
    report = factories.report(world)
    nothing = "Ingen återkoppling är delad med er ännu."
    assert nothing in client_for("staff_a1").get(reverse("feedback:index")).content.decode()
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    page = client_for("staff_a1").get(reverse("feedback:index")).content.decode()
    assert reverse("feedback:version_detail", kwargs={"pk": version.pk}) in page and nothing not in page
    assert nothing in client_for("staff_a2").get(reverse("feedback:index")).content.decode()


def test_editing_a_section_saves_points_in_order_and_validates_links(world, client_for):
    report = factories.report(world)
    client = client_for("utveckling")
    url = reverse("feedback:section_edit", kwargs={"pk": report.pk, "key": "improvement_links"})
    bad = client.post(url, {"items": "Ett\nTvå", "links": "Exempel | javascript:alert(1)", "notes": "", "revision": 0})
    assert bad.status_code == 200 and "ingen giltig webbadress" in bad.content.decode()
    good = client.post(url, {"items": "Två\nEtt", "links": "Exempel | https://example.org/a\nhttps://example.org/b",
                             "notes": "", "revision": 0})
    assert good.status_code == 302
    section = report.sections.get(key="improvement_links")
    assert section.items == ["Två", "Ett"]
    assert section.links == [{"label": "Exempel", "url": "https://example.org/a"}, {"label": "", "url": "https://example.org/b"}]


def test_a_stale_edit_answers_409_and_shows_both_texts(world, client_for):
    report = factories.report(world)
    url = reverse("feedback:section_edit", kwargs={"pk": report.pk, "key": "strengths"})
    client_for("bestallare").post(url, {"items": "Sparad av Bo", "links": "", "notes": "", "revision": 0})
    response = client_for("utveckling").post(url, {"items": "Skriven av Uma", "links": "", "notes": "", "revision": 0})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Sparad av Bo" in page and "Skriven av Uma" in page
    assert 'name="revision" value="1"' in page


def test_hostile_text_is_escaped_on_every_page(world, client_for):
    report = factories.report(world)
    url = reverse("feedback:section_edit", kwargs={"pk": report.pk, "key": "strengths"})
    typed = [text for text in HOSTILE if "\x00" not in text]  # a NUL is refused by Django's form fields
    saved = client_for("bestallare").post(url, {"items": "\n".join(typed), "links": "", "notes": "", "revision": 0})
    assert saved.status_code == 302
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    for persona, name, pk in [("bestallare", "feedback:report_detail", report.pk),
                              ("staff_a1", "feedback:version_detail", version.pk)]:
        page = client_for(persona).get(reverse(name, kwargs={"pk": pk})).content.decode()
        assert SCRIPT not in page and "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page


def test_choosing_charts(world, client_for):
    report = factories.report(world)
    first, second = factories.indicators_with_data(world, 2)
    client = client_for("bestallare")
    page = client.get(reverse("feedback:charts_edit", kwargs={"pk": report.pk}))
    assert "Indikator 1" in page.content.decode()
    client.post(reverse("feedback:charts_edit", kwargs={"pk": report.pk}), {"indicators": [second.pk]})
    assert [chart.indicator for chart in report.charts.all()] == [second]


def test_draft_downloads_are_files_for_the_team_only(world, client_for):
    report = factories.report(world)
    pptx = client_for("bestallare").get(reverse("feedback:draft_download", kwargs={"pk": report.pk, "fmt": "pptx"}))
    assert pptx["Content-Type"].endswith("presentationml.presentation") and pptx.content[:2] == b"PK"
    assert "aterkoppling-vardcentral-a1-" in pptx["Content-Disposition"]
    pdf = client_for("admin").get(reverse("feedback:draft_download", kwargs={"pk": report.pk, "fmt": "pdf"}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"


def test_sharing_through_the_page(world, client_for, django_capture_on_commit_callbacks, mailoutbox):
    report = factories.report(world)
    page = client_for("bestallare").get(reverse("feedback:report_share", kwargs={"pk": report.pk}))
    assert "staff_a1@example.org" in page.content.decode() and "staff_a2@example.org" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_for("bestallare"), "feedback:report_share", {"message": "Hej!"}, pk=report.pk)
    version = SharedVersion.objects.get()
    assert response["Location"] == version.get_absolute_url()
    assert len(mailoutbox) == 1
    assert _post(client_for("staff_a1"), "feedback:report_share", pk=report.pk).status_code == 403


def test_the_clinic_reads_exactly_what_was_shared(world, client_for):
    report = factories.report(world)
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    section = report.sections.get(key="strengths")
    services.feedback_section_save(section=section, user=world.user("bestallare"), items=["Hemligt utkast"], links=[],
                                   notes="", base_revision=section.revision)
    page = client_for("staff_a1").get(version.get_absolute_url()).content.decode()
    assert "Stabilt läkarlag" in page and "Hemligt utkast" not in page
    download = client_for("staff_a1").get(reverse("feedback:version_download", kwargs={"pk": version.pk, "fmt": "pptx"}))
    assert download.content == services.file_of(version, "pptx")[0]
    assert client_for("staff_a1").get(report.get_absolute_url()).status_code == 403



def _chart_images(page: str) -> list[str]:
    return [base64.b64decode(uri).decode() for uri in re.findall(r'class="feedback-chart" src="data:image/svg\+xml;base64,([^"]+)"', page)]


def test_the_page_shows_charts_drawn_for_the_screen_and_the_pdf_keeps_its_own(world, client_for):
    version = services.feedback_share(report=factories.report(world, charts=1), user=world.user("bestallare"))
    chart = version.snapshot["charts"][0]
    assert 'width="800"' in chart["svg"] and 'width="640"' in chart["screen_svg"]
    (image,) = _chart_images(client_for("staff_a1").get(version.get_absolute_url()).content.decode())
    assert image == chart["screen_svg"]


def test_a_version_shared_before_screen_charts_is_drawn_for_the_screen_from_its_own_series(world, client_for):
    """Its snapshot has the PDF's drawing only (small type on a tablet). The page draws the chart from the series
    the snapshot holds, at the screen's size, and the version itself (snapshot, files) stays as it was shared."""
    version = services.feedback_share(report=factories.report(world, charts=1), user=world.user("bestallare"))
    del version.snapshot["charts"][0]["screen_svg"]
    version.save(update_fields=["snapshot"])
    shared = SharedVersion.objects.get(pk=version.pk).snapshot
    files = {(file.format, file.sha256) for file in SharedFile.objects.filter(version=version)}
    (image,) = _chart_images(client_for("staff_a1").get(version.get_absolute_url()).content.decode())
    chart = shared["charts"][0]
    assert image != chart["svg"]
    root = ET.fromstring(image)
    assert root.get("width") == "640" and int(root.get("font-size")) * 690 / 640 >= 12
    texts = {text.text for text in root.iter(f"{SVG}text")}
    assert {series["name"] for series in chart["series"]} <= texts  # the legend names every series shared
    assert chart["categories"][0] in texts and chart["categories"][-1] in texts
    points = [
        circle for group in root.iter(f"{SVG}g") if "series" in group.get("class", "").split()
        for circle in group.iter(f"{SVG}circle")
    ]
    shown = sum(value is not None for series in chart["series"] if series["markers"] for value in series["values"])
    assert len(points) == shown
    assert SharedVersion.objects.get(pk=version.pk).snapshot == shared
    assert {(file.format, file.sha256) for file in SharedFile.objects.filter(version=version)} == files

def test_a_newer_version_is_pointed_out_and_old_ones_stay(world, client_for):
    report = factories.report(world)
    first = services.feedback_share(report=report, user=world.user("bestallare"))
    section = report.sections.get(key="strengths")
    services.feedback_section_save(  # sharing an unchanged deck again makes no new version
        section=section, user=world.user("bestallare"), items=["Ett nytt styrkeområde"], links=[], notes="",
        base_revision=section.revision,
    )
    second = services.feedback_share(report=report, user=world.user("bestallare"))
    page = client_for("staff_a1").get(first.get_absolute_url()).content.decode()
    assert second.get_absolute_url() in page
    old_pdf = client_for("staff_a1").get(reverse("feedback:version_download", kwargs={"pk": first.pk, "fmt": "pdf"}))
    assert old_pdf.status_code == 200 and old_pdf.content[:5] == b"%PDF-"


@pytest.mark.parametrize("persona", ["staff_a1", "bestallare"])
def test_a_shared_file_that_is_missing_answers_a_page_in_swedish_and_is_logged(world, client_for, caplog, persona):
    version = factories.shared_version(world)
    SharedFile.objects.filter(version=version, format="pdf").delete()
    url = reverse("feedback:version_download", kwargs={"pk": version.pk, "fmt": "pdf"})
    with caplog.at_level(logging.ERROR, logger="feedback.services"):
        response = client_for(persona).get(url)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="sv">' in page and "Filen saknas" in page
    assert "PDF-filen för version 1 av återkopplingen till Vårdcentral A1 finns inte på servern." in page
    assert f'href="{version.get_absolute_url()}"' in page
    (record,) = [record for record in caplog.records if record.name == "feedback.services"]
    assert record.levelno == logging.ERROR
    assert f"Shared version {version.pk} " in record.getMessage() and "no stored pdf file" in record.getMessage()
    pptx = client_for(persona).get(reverse("feedback:version_download", kwargs={"pk": version.pk, "fmt": "pptx"}))
    assert pptx.status_code == 200 and pptx.content[:2] == b"PK"  # the other file is still there


def test_a_missing_shared_file_is_still_hidden_from_other_clinics(world, client_for):
    version = factories.shared_version(world)
    SharedFile.objects.filter(version=version).delete()
    url = reverse("feedback:version_download", kwargs={"pk": version.pk, "fmt": "pdf"})
    response = client_for("staff_a2").get(url)
    assert response.status_code == 404 and "Vårdcentral A1" not in response.content.decode()


def test_the_clinic_comments_and_acknowledges_and_the_team_replies(world, client_for):
    version = factories.shared_version(world)
    staff = client_for("staff_a1")
    response = _post(staff, "feedback:comment_create", {"text": "Vi håller med."}, pk=version.pk, key="strengths")
    assert response["Location"].endswith("#section-strengths")
    comment = ClinicComment.objects.get()
    assert comment.author == world.user("staff_a1") and comment.section_key == "strengths"
    _post(staff, "feedback:version_acknowledge", pk=version.pk)
    assert Acknowledgement.objects.get().user == world.user("staff_a1")
    _post(client_for("utveckling"), "feedback:reply_create", {"text": "Tack för kommentaren."}, pk=comment.pk)
    assert TeamReply.objects.get().author == world.user("utveckling")
    team_page = client_for("bestallare").get(version.get_absolute_url()).content.decode()
    assert "Vi håller med." in team_page and "Tack för kommentaren." in team_page and "Kvitterad av Stina A1" in team_page


@pytest.mark.parametrize(
    "persona, comment_status, ack_status",
    [("bestallare", 403, 403), ("admin", 403, 403), ("staff_a2", 404, 404), ("outsider", 404, 404)],
)
def test_only_the_clinic_comments_and_acknowledges(world, client_for, persona, comment_status, ack_status):
    version = factories.shared_version(world)
    client = client_for(persona)
    assert _post(client, "feedback:comment_create", {"text": "x"}, pk=version.pk, key="strengths").status_code == comment_status
    assert _post(client, "feedback:version_acknowledge", pk=version.pk).status_code == ack_status
    assert not ClinicComment.objects.exists() and not Acknowledgement.objects.exists()


@pytest.mark.parametrize("persona, status", [("staff_a1", 403), ("staff_a2", 404), ("outsider", 404)])
def test_only_the_team_replies(world, client_for, persona, status):
    comment = factories.comment(world)
    assert _post(client_for(persona), "feedback:reply_create", {"text": "x"}, pk=comment.pk).status_code == status
    assert not TeamReply.objects.exists()


def test_an_empty_comment_is_refused_with_a_message(world, client_for):
    version = factories.shared_version(world)
    response = client_for("staff_a1").post(
        reverse("feedback:comment_create", kwargs={"pk": version.pk, "key": "strengths"}), {"text": ""}, follow=True
    )
    assert not ClinicComment.objects.exists()
    assert "alert-danger" in response.content.decode()


def test_the_version_page_costs_the_same_with_many_comments(world, client_for, django_assert_max_num_queries):
    version = factories.shared_version(world)
    services.feedback_comment_add(version=version, user=world.user("staff_a1"), section_key="strengths", text="Ett")
    client = client_for("bestallare")
    with django_assert_max_num_queries(30) as captured:
        client.get(version.get_absolute_url())
    few = len(captured)
    for number in range(5):
        comment = services.feedback_comment_add(
            version=version, user=world.user("staff_a1"), section_key="thanks", text=f"Kommentar {number}"
        )
        services.feedback_reply_add(comment=comment, user=world.user("bestallare"), text="Svar")
        services.feedback_acknowledge(version=version, user=world.user("staff_a1"))
    with django_assert_max_num_queries(few):
        client.get(version.get_absolute_url())


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (300, 80), "#0B6E4F").save(image, format="PNG")
    image.seek(0)
    image.name = "logo.png"
    return image


def test_the_administrator_sets_the_theme(world, client_for):
    client = client_for("admin")
    url = reverse("feedback:theme_edit")
    refused = client.post(url, {"primary_colour": "#ffff00", "secondary_colour": "#2E75B6", "font": "Arial"})
    assert refused.status_code == 200 and "kontrasten" in refused.content.decode()
    saved = client.post(url, {"primary_colour": "#0b6e4f", "secondary_colour": "#3a7d44", "font": "Verdana",
                              "logo_file": _png()})
    assert saved.status_code == 302
    theme = RegionTheme.objects.get(region=world.region_a)
    assert (theme.primary_colour, theme.font, theme.logo_name) == ("#0B6E4F", "Verdana", "logo.png")
    assert bytes(theme.logo)[:4] == b"\x89PNG"
    assert "data:image/png;base64," in client.get(url).content.decode()


def test_a_logo_that_is_not_an_image_is_refused(world, client_for):
    upload = io.BytesIO(b"<svg onload=alert(1)></svg>")
    upload.name = "logo.png"
    response = client_for("admin").post(
        reverse("feedback:theme_edit"),
        {"primary_colour": "#1F4E79", "secondary_colour": "#2E75B6", "font": "Arial", "logo_file": upload},
    )
    assert response.status_code == 200
    assert not RegionTheme.objects.exists()


def test_the_decks_words_are_marked_swedish_on_an_english_page(world, client_for):
    """WCAG 3.1.2: the deck is always Swedish, so its points, chart titles and chart facts are read as Swedish
    on the team's draft page and the clinic's version page when the reader has chosen English."""
    from tests.dialogs.test_language_of_parts import LanguageOfText

    report = factories.report(world, charts=1)
    version = services.feedback_share(report=report, user=world.user("bestallare"))
    chart = version.snapshot["charts"][0]

    def read(persona, url) -> LanguageOfText:
        client = client_for(persona)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        parser = LanguageOfText()
        parser.feed(client.get(url).content.decode())
        return parser

    draft = read("bestallare", report.get_absolute_url())
    assert draft.language_of("Stabilt läkarlag") == {"sv"}
    assert draft.language_of("Shared versions") == {"en"}
    shared = read("staff_a1", version.get_absolute_url())
    assert shared.language_of(chart["title"]) == {"sv"}
    assert shared.language_of(" ".join(chart["comparison"].split())) == {"sv"}
    assert shared.language_of("Comparison") == {"en"}
