"""Medskick and the team's lessons as items (issue 14): recorded on the day and in the summary, edited with the
revision rule, deleted when made by mistake, commented on by the clinic once it can read them; plain text
everywhere; a fixed number of queries on the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dialogs.models.learning import Medskick, MedskickComment, MedskickTag, TeamLesson
from dialogs.services import learning as services
from dialogs.services.dialogue import dialogue_cancel, dialogue_share_documentation
from tests.learning.factories import held_with_participants, lesson, medskick, plan

CREATE = {"text": "Ersättningen för tolk täcker inte längre besök.", "categories": ["villkor", "uppdrag"], "area": "p1",
          "raised_by": "vardcentral"}


def _page(client, dialogue) -> str:
    return client.get(reverse("dialogs:learning_items", args=[dialogue.pk])).content.decode()


def test_the_team_records_a_medskick_with_categories_area_and_who_raised_it(world, client_for):
    dialogue = held_with_participants(world)
    response = client_for("bestallare").post(reverse("dialogs:medskick_create", args=[dialogue.pk]), CREATE)
    assert response.status_code == 302
    item = Medskick.objects.get()
    assert item.text == CREATE["text"] and item.area == "p1" and item.area_label.startswith("P1")
    assert item.categories == ["uppdrag", "villkor"]  # in the method's order
    assert item.get_raised_by_display() == "vårdcentralen"
    page = _page(client_for("bestallare"), dialogue)
    assert "Villkorens rimlighet" in page and "Uppdragets omfattning" in page and "lyft av vårdcentralen" in page


def test_the_on_site_screens_and_the_summary_lead_to_the_page(world, client_for):
    dialogue = held_with_participants(world)
    medskick(world, dialogue)
    lesson(world, dialogue)
    client = client_for("bestallare")
    onsite = client.get(reverse("dialogs:onsite_section", args=[dialogue.pk, "p1"])).content.decode()
    assert reverse("dialogs:learning_items", args=[dialogue.pk]) in onsite
    summary = client.get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).content.decode()
    assert "Förfrågningsunderlaget säger inget om hembesök." in summary and "Skicka programmet tre veckor före." in summary


@pytest.mark.parametrize(
    "change, message",
    [
        ({"categories": []}, "Välj minst en kategori."),
        ({"categories": ["nonsense"]}, "Välj ett giltigt alternativ"),
        ({"text": "   "}, "Detta fält måste fyllas i"),
        ({"text": "x" * 2001}, "2000"),
        ({"area": "p9"}, "Välj ett giltigt alternativ"),
        ({"raised_by": "region"}, "Välj ett giltigt alternativ"),
    ],
)
def test_bad_medskick_input_is_refused_with_a_message_and_nothing_saved(world, client_for, change, message):
    dialogue = held_with_participants(world)
    response = client_for("bestallare").post(reverse("dialogs:medskick_create", args=[dialogue.pk]), {**CREATE, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Medskick.objects.exists()


def test_the_service_refuses_control_characters_and_an_area_outside_the_guide(world):
    dialogue = held_with_participants(world)
    with pytest.raises(ValidationError, match="styrtecken"):
        services.medskick_create(dialogue=dialogue, user=world.user("bestallare"), text="Ring\x07", categories=["ovrigt"])
    with pytest.raises(ValidationError, match="5P-områdena"):
        services.medskick_create(dialogue=dialogue, user=world.user("bestallare"), text="Ok", categories=["ovrigt"], area="p9")
    assert not Medskick.objects.exists() and not MedskickTag.objects.exists()


def test_pressing_save_twice_records_one_medskick_and_one_lesson(world, client_for):
    dialogue = held_with_participants(world)
    client = client_for("bestallare")
    for _press in range(2):
        client.post(reverse("dialogs:medskick_create", args=[dialogue.pk]), CREATE)
        client.post(reverse("dialogs:lesson_create", args=[dialogue.pk]), {"text": "Planera rundvandringen före lunch."})
    assert Medskick.objects.count() == 1 and MedskickTag.objects.count() == 2 and TeamLesson.objects.count() == 1


def test_clinic_staff_and_outsiders_cannot_write(world, client_for):
    dialogue = held_with_participants(world)
    url = reverse("dialogs:medskick_create", args=[dialogue.pk])
    assert client_for("staff_a1").post(url, CREATE).status_code == 403
    assert client_for("outsider").post(url, CREATE).status_code == 404
    assert client_for("national").post(url, CREATE).status_code == 404
    assert client_for("staff_a1").post(reverse("dialogs:lesson_create", args=[dialogue.pk]), {"text": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.medskick_create(dialogue=dialogue, user=world.user("staff_a1"), text="x", categories=["ovrigt"])
    assert not Medskick.objects.exists()


def test_a_cancelled_dialogue_takes_no_medskick(world, client_for):
    dialogue = plan(world)
    dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    response = client_for("bestallare").post(reverse("dialogs:medskick_create", args=[dialogue.pk]), CREATE)
    assert response.status_code == 400 and "inställd" in response.content.decode()
    assert not Medskick.objects.exists()


def test_a_stale_edit_answers_409_with_both_texts_and_overwrites_nothing(world, client_for):
    item = medskick(world, held_with_participants(world))
    url = reverse("dialogs:medskick_update", args=[item.pk])
    base = {"categories": ["forfragningsunderlag"], "area": "", "raised_by": "vardcentral", "base_revision": item.revision}
    assert client_for("utveckling").post(url, {**base, "text": "Kollegans text."}).status_code == 302
    response = client_for("bestallare").post(url, {**base, "text": "Min text."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Kollegans text." in page and "Min text." in page
    item.refresh_from_db()
    assert item.text == "Kollegans text." and item.revision == 2
    # The same content as what is saved is no conflict.
    assert client_for("bestallare").post(url, {**base, "text": "Kollegans text."}).status_code == 302


def test_an_edit_changes_the_categories(world, client_for):
    item = medskick(world, held_with_participants(world), categories=("villkor", "ovrigt"))
    url = reverse("dialogs:medskick_update", args=[item.pk])
    client_for("bestallare").post(url, {"text": item.text, "categories": ["information"], "area": "", "raised_by": "team",
                                        "base_revision": item.revision})
    item = Medskick.objects.get(pk=item.pk)
    assert item.categories == ["information"] and item.raised_by == "team"


def test_a_lesson_is_edited_with_the_revision_rule_and_deleted(world, client_for):
    item = lesson(world, held_with_participants(world))
    url = reverse("dialogs:lesson_update", args=[item.pk])
    assert client_for("utveckling").post(url, {"text": "Ny lärdom.", "base_revision": 1}).status_code == 302
    response = client_for("bestallare").post(url, {"text": "Min lärdom.", "base_revision": 1})
    assert response.status_code == 409 and "Ny lärdom." in response.content.decode()
    assert client_for("bestallare").post(reverse("dialogs:lesson_delete", args=[item.pk])).status_code == 302
    assert not TeamLesson.objects.exists()


def test_a_medskick_the_clinic_commented_on_cannot_be_deleted(world, client_for):
    dialogue = held_with_participants(world)
    item = medskick(world, dialogue)
    dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    client_for("staff_a1").post(reverse("dialogs:medskick_comment", args=[item.pk]), {"text": "Vi håller med."})
    response = client_for("bestallare").post(reverse("dialogs:medskick_delete", args=[item.pk]))
    assert response.status_code == 409 and "kommenterat" in response.content.decode()
    assert Medskick.objects.filter(pk=item.pk).exists()
    fresh = medskick(world, dialogue, text="Gjort av misstag")
    assert client_for("bestallare").post(reverse("dialogs:medskick_delete", args=[fresh.pk])).status_code == 302
    assert not Medskick.objects.filter(pk=fresh.pk).exists()


def test_the_clinic_reads_and_comments_once_the_documentation_is_shared(world, client_for):
    dialogue = held_with_participants(world)
    item = medskick(world, dialogue)
    url = reverse("dialogs:medskick_comment", args=[item.pk])
    assert client_for("staff_a1").post(url, {"text": "Före delning"}).status_code == 403
    dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    page = _page(client_for("staff_a1"), dialogue)
    assert item.text in page and reverse("dialogs:medskick_update", args=[item.pk]) not in page
    response = client_for("staff_a1").post(url, {"text": "Vi saknar också en kontaktperson.", "back": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("dialogs:learning_items", args=[dialogue.pk]))
    comment = MedskickComment.objects.get()
    assert comment.by_clinic and comment.author == world.user("staff_a1")
    assert client_for("staff_a2").post(url, {"text": "x"}).status_code == 404
    client_for("staff_a1").post(url, {"text": "Vi saknar också en kontaktperson."})  # pressed twice
    assert MedskickComment.objects.count() == 1
    assert "Vi saknar också en kontaktperson." in _page(client_for("bestallare"), dialogue)


def test_medskick_text_is_plain_text_on_the_page(world, client_for):
    dialogue = held_with_participants(world)
    medskick(world, dialogue, text='<script>alert("x")</script> & <b>fet</b>')
    page = _page(client_for("bestallare"), dialogue)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in page
    assert "<b>fet</b>" not in page


def test_the_page_reads_the_same_number_of_queries_however_many_items(world, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dialogue = held_with_participants(world)
    dialogue_share_documentation(dialogue=dialogue, user=world.user("bestallare"))
    client = client_for("bestallare")
    medskick(world, dialogue)
    client.get(reverse("dialogs:learning_items", args=[dialogue.pk]))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dialogs:learning_items", args=[dialogue.pk]))
    for number in range(8):
        item = medskick(world, dialogue, text=f"Medskick {number}", categories=("villkor", "ovrigt"))
        services.medskick_comment_add(medskick=item, user=world.user("staff_a1"), text=f"Kommentar {number}")
        lesson(world, dialogue, text=f"Lärdom {number}")
    with django_assert_max_num_queries(len(before)):
        client.get(reverse("dialogs:learning_items", args=[dialogue.pk]))
