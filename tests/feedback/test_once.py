"""Once is once (issue 10 §4): "Dela" pressed ten times at once makes one version and one e-mail per recipient;
sharing an unchanged deck again makes no new version and says so; the same comment or reply posted five times
(double click, retries) is one row and one e-mail. A clinic name with a line break (saved before the rule, or by
another way in) neither breaks "Dela" or a comment nor adds an e-mail header. Real threads: truly simultaneous on
PostgreSQL, serialised by the database on SQLite."""

import pytest
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import ClinicComment, SharedVersion, TeamReply
from notifications.models import OutboxMessage
from organisations.models import Clinic
from tests.concurrency import at_once
from tests.feedback import factories

pytestmark = pytest.mark.django_db(transaction=True)

HEADER_INJECTION = "Hamnstadens vårdcentral\r\nBcc: x@example.org"


def signed_in(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def _share(world, report):
    return signed_in(world, "bestallare").post(reverse("feedback:report_share", args=[report.pk]), {"message": "Hej!"})


def test_ten_simultaneous_shares_make_one_version_and_one_email_per_recipient(world):
    report = factories.report(world)
    responses = at_once(10, lambda _index: _share(world, report))
    assert [response.status_code for response in responses] == [302] * 10, responses
    [version] = SharedVersion.objects.filter(report=report)
    assert {response["Location"] for response in responses} == {version.get_absolute_url()}
    mails = OutboxMessage.objects.filter(kind="feedback.shared")
    assert sorted(mail.to for mail in mails) == ["staff_a1@example.org"]


def test_sharing_an_unchanged_deck_again_makes_no_version_and_says_so(world):
    report = factories.report(world)
    first = services.feedback_share(report=report, user=world.user("bestallare"))
    client = signed_in(world, "utveckling")
    page = client.get(reverse("feedback:report_share", args=[report.pk])).content.decode()
    assert "Inget har ändrats sedan version 1" in page and 'data-testid="nothing-changed"' in page
    assert "Dela nu" not in page  # no button that can only make a copy

    response = client.post(reverse("feedback:report_share", args=[report.pk]), {"message": "Igen"}, follow=True)
    assert response.redirect_chain[-1][0] == first.get_absolute_url()
    assert "Inget har ändrats sedan version 1" in response.content.decode()
    assert report.versions.count() == 1
    assert OutboxMessage.objects.filter(kind="feedback.shared").count() == 1


def test_a_changed_draft_is_shared_as_a_new_version(world):
    report = factories.report(world)
    services.feedback_share(report=report, user=world.user("bestallare"))
    section = report.sections.get(key="strengths")
    services.feedback_section_save(
        section=section, user=world.user("bestallare"), items=["Nytt styrkeområde"], links=[], notes="",
        base_revision=section.revision,
    )
    assert services.unchanged_version(report) is None
    page = signed_in(world, "bestallare").get(reverse("feedback:report_share", args=[report.pk])).content.decode()
    assert "Inget har ändrats" not in page and "Dela nu" in page
    assert services.feedback_share(report=report, user=world.user("bestallare")).number == 2


def test_new_indicator_data_is_a_change_even_when_the_text_is_not(world):
    report = factories.report(world, charts=1)
    services.feedback_share(report=report, user=world.user("bestallare"))
    indicator = report.charts.get().indicator
    from tests.indicators.factories import add_values, make_batch

    add_values(indicator, make_batch(world.region_a), [99.0], first_year=2025, clinic=world.clinic_a1)
    assert services.unchanged_version(report) is None
    assert services.feedback_share(report=report, user=world.user("bestallare")).number == 2


def test_five_identical_comments_make_one_row_and_one_email_per_team_member(world):
    version = factories.shared_version(world)
    url = reverse("feedback:comment_create", args=[version.pk, "strengths"])
    text = "Vi saknar telefontiderna i punkten om tillgänglighet."
    responses = at_once(5, lambda _index: signed_in(world, "staff_a1").post(url, {"text": text}))
    assert [response.status_code for response in responses] == [302] * 5, responses
    [comment] = ClinicComment.objects.filter(version=version)
    assert comment.text == text
    team = sorted(member.user.email for member in version.report.dialogue.team_members.select_related("user"))
    assert sorted(mail.to for mail in OutboxMessage.objects.filter(kind="feedback.comment")) == team


def test_another_comment_on_the_same_section_is_kept(world):
    version = factories.shared_version(world)
    for text in ["Första synpunkten.", "En andra, annan synpunkt."]:
        services.feedback_comment_add(version=version, user=world.user("staff_a1"), section_key="strengths", text=text)
    assert version.comments.count() == 2


def test_five_identical_replies_make_one_row(world):
    comment = factories.comment(world)
    url = reverse("feedback:reply_create", args=[comment.pk])
    responses = at_once(5, lambda _index: signed_in(world, "bestallare").post(url, {"text": "Tack, vi lägger till dem."}))
    assert [response.status_code for response in responses] == [302] * 5, responses
    assert TeamReply.objects.filter(comment=comment).count() == 1


def test_a_clinic_name_with_a_line_break_neither_breaks_sharing_and_comments_nor_adds_a_header(world, smtp_sink):
    # Saved before control characters were refused (or by a way in that skipped the forms): update() writes as is.
    Clinic.objects.filter(pk=world.clinic_a1.pk).update(name=HEADER_INJECTION)
    report = factories.report(world)
    # The follow-up meeting's invitation (booked by the factory) names the clinic too: no header added there either.
    assert all("x@example.org" not in item.rcpt_tos and item.message["Bcc"] is None for item in smtp_sink.received)
    smtp_sink.received.clear()

    first, again = _share(world, report), _share(world, report)  # a retry finds nothing new to share
    [version] = SharedVersion.objects.filter(report=report)
    assert first.status_code == again.status_code == 302
    [shared] = smtp_sink.to("staff_a1@example.org")
    assert shared.message["Bcc"] is None and "x@example.org" not in shared.rcpt_tos
    assert "\r" not in shared.subject and "\n" not in shared.subject

    response = signed_in(world, "staff_a1").post(
        reverse("feedback:comment_create", args=[version.pk, "strengths"]), {"text": "Vi känner igen oss."}
    )
    assert response.status_code == 302 and version.comments.count() == 1
    team_mail = [item for item in smtp_sink.received if item.rcpt_tos != ["staff_a1@example.org"]]
    assert team_mail and all(item.message["Bcc"] is None for item in team_mail)
    assert all("x@example.org" not in item.rcpt_tos for item in smtp_sink.received)
    assert len(smtp_sink.received) == 1 + len(team_mail)
