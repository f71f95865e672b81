"""Reports of accessibility problems: anyone may send one; the region's administrators get it by e-mail (through
the outbox) and see it in the app; the open form is limited against floods and robots."""

import re

import pytest
from django.urls import reverse

from accessibility import services
from accessibility.models import ProblemReport, StatementSettings
from notifications.models import OutboxMessage

URL = "/tillganglighet/rapportera/"


def _report(client, to_region, description="Knappen Spara går inte att nå med tangentbordet.", address="10.0.0.1",
            **fields):
    data = {"region": to_region.pk, "page": "/dialoger/", "description": description, "name": "", "email": "",
            "website": "", **fields}
    return client.post(URL, data, REMOTE_ADDR=address)


def test_a_visitor_reports_a_problem_and_the_administrators_get_it(client, world):
    StatementSettings.objects.create(region=world.region_a, contact_email="tillganglighet@region-a.se")
    response = _report(client, world.region_a, email="ulla@example.org", name="Ulla")
    assert response.status_code == 302 and response["Location"] == reverse("accessibility:report_sent")
    report = ProblemReport.objects.get()
    assert (report.region, report.user, report.email, report.page) == (world.region_a, None, "ulla@example.org", "/dialoger/")
    assert len(report.client) == 64 and "10.0.0.1" not in report.client  # the address itself is not kept
    recipients = sorted(OutboxMessage.objects.filter(kind="accessibility.report").values_list("to", flat=True))
    assert recipients == ["admin@example.org", "tillganglighet@region-a.se"]
    message = OutboxMessage.objects.get(to="admin@example.org")
    assert "Knappen Spara går inte att nå med tangentbordet." in message.body_text
    assert "ulla@example.org" in message.body_text and "/tillganglighet/rapporter/" in message.body_text


def test_the_mail_goes_out_through_a_real_smtp_server_after_the_commit(client, world, smtp_sink, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        _report(client, world.region_a)
    (received,) = smtp_sink.received
    assert received.rcpt_tos == ["admin@example.org"]
    assert received.subject == "Rapport om bristande tillgänglighet i PrimärvårdsUppföljning (Region A)"
    assert "Knappen Spara går inte att nå med tangentbordet." in received.text()


def test_a_signed_in_persons_report_goes_to_their_active_region_and_names_them(client_for, world):
    client = client_for("staff_a1")
    form = client.get(URL + "?sida=/vardcentraler/").content.decode()
    assert 'type="hidden" name="region"' in form and 'value="/vardcentraler/"' in form
    response = client.post(URL, {"region": world.region_a.pk, "page": "", "description": "Kontrasten är låg."})
    assert response.status_code == 302
    assert ProblemReport.objects.get().user == world.user("staff_a1")


def test_nobody_can_send_a_report_to_a_region_they_cannot_choose(client_for, world):
    response = client_for("staff_a1").post(URL, {"region": world.region_b.pk, "description": "x"})
    assert response.status_code == 200 and not ProblemReport.objects.exists()


def test_pressing_send_twice_sends_one_report(client, world):
    _report(client, world.region_a)
    _report(client, world.region_a)
    assert ProblemReport.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="accessibility.report").count() == 1


def test_one_sender_is_limited_per_hour_with_a_message(client, world):
    for number in range(services.PER_SENDER_PER_HOUR):
        assert _report(client, world.region_a, description=f"Problem {number}").status_code == 302
    refused = _report(client, world.region_a, description="Ett till")
    assert refused.status_code == 429
    assert "Vänta en stund" in refused.content.decode() and '<main id="main"' in refused.content.decode()
    assert ProblemReport.objects.count() == services.PER_SENDER_PER_HOUR
    # Another sender is not punished.
    assert _report(client, world.region_a, description="Från en annan", address="10.9.9.9").status_code == 302


def test_a_flood_from_many_addresses_is_capped_per_region(client, world, monkeypatch):
    monkeypatch.setattr(services, "PER_REGION_ANONYMOUS_PER_HOUR", 3)
    statuses = [_report(client, world.region_a, description=f"P{n}", address=f"10.0.1.{n}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_a_robot_filling_the_hidden_field_is_thanked_and_ignored(client, world):
    response = _report(client, world.region_a, website="http://spam.example")
    assert response.status_code == 302 and not ProblemReport.objects.exists()


@pytest.mark.parametrize("data", [
    {"description": ""}, {"description": "   "}, {"description": "x" * 5001}, {"region": "abc"},
    {"region": "99999999999999999999"}, {"email": "inte@"}, {"page": "x" * 501}, {"name": "a\x00b"},
])
def test_junk_is_refused_with_a_message_and_nothing_is_stored(client, world, data):
    response = _report(client, world.region_a, **data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()  # the field says what is wrong
    assert not ProblemReport.objects.exists()


def test_a_page_parameter_that_is_not_a_local_path_is_not_prefilled(client, world):
    form = client.get(URL + "?sida=https://evil.example/").content.decode()
    assert re.search(r'<input type="text" name="page" [^>]*>', form).group(0).count("evil") == 0


def test_administrators_see_their_regions_reports_and_mark_them_handled(client_for, world):
    _report(client_for("anonymous"), world.region_a)
    _report(client_for("anonymous"), world.region_b, description="I region B")
    client = client_for("admin")
    listing = client.get(reverse("accessibility:report_list")).content.decode()
    assert "Knappen Spara" in listing and "I region B" not in listing
    report = ProblemReport.objects.get(region=world.region_a)
    assert client.post(reverse("accessibility:report_handle", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.handled_by == world.user("admin") and report.handled_at is not None


@pytest.mark.parametrize("persona, status", [("bestallare", 403), ("outsider", 404)])
def test_others_cannot_handle_a_report(client_for, world, persona, status):
    _report(client_for("anonymous"), world.region_a)
    report = ProblemReport.objects.get()
    assert client_for(persona).post(reverse("accessibility:report_handle", args=[report.pk])).status_code == status
    report.refresh_from_db()
    assert report.handled_at is None


def test_the_report_list_reads_a_fixed_number_of_queries(client_for, world, django_assert_max_num_queries):
    for number in range(12):
        _report(client_for("anonymous"), world.region_a, description=f"P{number}", address=f"10.0.2.{number}")
    client = client_for("admin")
    with django_assert_max_num_queries(12):
        client.get(reverse("accessibility:report_list"))
