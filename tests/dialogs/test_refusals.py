"""Refusals people understand (issue 10, §2): nobody is shown a tab, link or button that can only answer 403;
a status change not possible yet is explained instead of offered."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import DialogueStatus
from dialogs.services import dialogue as services
from tests import crawl
from tests.dialogs.dialogue_factories import held, plan, write_answer


def _tabs(page: str) -> set[str]:
    tabs = page.split('class="nav nav-tabs dialogue-tabs"', 1)[1].split("</ul>", 1)[0]
    return {name for name in ("Dokumentera på plats", "Sammanfattning och uppföljning", ">Dokumentation<") if name in tabs}


def test_clinic_staff_get_only_the_tabs_they_may_open_and_are_told_when_the_rest_comes(world, client_for):
    dialogue = held(world)
    staff, team = client_for("staff_a1"), client_for("bestallare")
    url = reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    page = staff.get(url).content.decode()
    assert _tabs(page) == set()
    assert "visas här när uppföljningsteamet har delat dem med er" in page
    assert _tabs(team.get(url).content.decode()) == {"Dokumentera på plats", "Sammanfattning och uppföljning", ">Dokumentation<"}

    services.dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    page = staff.get(url).content.decode()
    # Reading is theirs now; documenting on site stays the team's.
    assert _tabs(page) == {"Sammanfattning och uppföljning", ">Dokumentation<"}
    assert "när uppföljningsteamet har delat dem" not in page
    for name in ("dialogs:dialogue_summary", "dialogs:dialogue_documentation"):
        assert staff.get(reverse(name, args=[dialogue.pk])).status_code == 200


def test_before_the_day_the_status_panel_explains_what_cannot_be_done_yet(world, client_for):
    dialogue = plan(world)  # two weeks ahead
    page = client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert 'value="forberedelse"' in page  # possible now: a button
    assert 'value="genomford"' not in page  # not before the day: no button …
    later = page.split('data-testid="status-later"', 1)[1].split("</ul>", 1)[0]
    assert "”genomförd” kan inte väljas nu:" in later and "före dialogdagen" in later  # … but the reason

    summary = client_for("bestallare").get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).content.decode()
    assert reverse("dialogs:follow_up_book", args=[dialogue.pk]) not in summary
    assert "Uppföljningsmötet bokas i slutet av dialogdagen" in summary


def test_after_the_day_booking_is_offered_and_the_status_it_needs_says_so(world, client_for):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert 'value="uppfoljning_bokad"' not in page
    later = page.split('data-testid="status-later"', 1)[1].split("</ul>", 1)[0]
    assert "Boka uppföljningsmötet först." in later and reverse("dialogs:follow_up_book", args=[dialogue.pk]) in later
    summary = client.get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).content.decode()
    assert reverse("dialogs:follow_up_book", args=[dialogue.pk]) in summary
    services.follow_up_book(
        dialogue=dialogue, user=world.user("bestallare"), date=timezone.localdate() + datetime.timedelta(days=20),
        start_time=datetime.time(9), duration_minutes=60, video_link="", focus_area="",
    )
    page = client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    # Booking moved it on by itself; closing is possible now.
    assert 'data-testid="dialogue-status">uppföljning bokad<' in page and 'value="avslutad"' in page
    assert 'data-testid="status-later"' not in page


def test_a_dialogue_with_something_written_in_it_says_why_it_cannot_be_deleted(world, client_for):
    dialogue = plan(world)
    client = client_for("bestallare")
    url = reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    assert reverse("dialogs:dialogue_delete", args=[dialogue.pk]) in client.get(url).content.decode()
    write_answer(dialogue, "sammanfattning-q02", "Antecknat i förväg")
    page = client.get(url).content.decode()
    assert reverse("dialogs:dialogue_delete", args=[dialogue.pk]) not in page
    assert "Dialogen kan inte tas bort: Dialogen kan inte tas bort eftersom något redan är skrivet" in page


@pytest.fixture
def demo_site(db, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("load_content", verbosity=0, stdout=open("/dev/null", "w"))
    call_command("demo", force=True, stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("username", ["demo-vc1", "demo-vc2", "demo-bestallare", "demo-admin"])
def test_no_link_or_button_answers_403_or_404_for_the_person_it_is_shown_to(demo_site, client, username):
    """The demo holds dialogues in every status, shared and unshared feedback and documentation: walk it as the
    clinic's staff, the follow-up team and the administrator and press everything they are shown."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    walked = crawl.walk(client)
    assert len(walked.pages) > 15
    assert walked.refusals == []
