"""The on-site documentation pages: one screen per section, plain posts without JavaScript, the JSON autosave
endpoint, each answer's history, who may do what, and a constant number of queries."""

import json
import re

import pytest
from django.urls import reverse

from dialogs.models import Question, Section
from dialogs.models.answers import ANSWER_TEXT_MAX_LENGTH, Answer
from dialogs.services.answers import answer_save
from dialogs.services.guide import guide_load_shipped
from tests.dialogs.onsite_factories import (
    answer_everything,
    choose_focus,
    onsite_dialogue,
    skr_version_of_region_a,
)


@pytest.fixture
def dialogue(world):
    return onsite_dialogue(world)


def section_url(dialogue, key="p1"):
    return reverse("dialogs:onsite_section", args=[dialogue.pk, key])


def autosave_url(dialogue, question):
    return reverse("dialogs:answer_autosave", args=[dialogue.pk, question.pk])


def q(dialogue, key) -> Question:
    return dialogue.guide_version.questions.get(key=key)


def post_json(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def html(response) -> str:
    return response.content.decode()


# --- The page -------------------------------------------------------------------------------------------


def test_the_documentation_opens_at_the_first_section_of_the_day(client_for, dialogue):
    response = client_for("bestallare").get(reverse("dialogs:onsite", args=[dialogue.pk]))
    assert response.status_code == 302 and response["Location"] == section_url(dialogue, "p1")


def test_a_question_shows_its_follow_ups_data_sources_and_a_labelled_notes_field(client_for, dialogue):
    page = html(client_for("bestallare").get(section_url(dialogue)))
    assert '<details class="onsite-followups">' in page and "Andel specialister i allmänmedicin?" in page
    assert '<a href="http://www.patientenkat.se/"' in page and "Se resultat på www.patientenkat.se" in page
    notes = q(dialogue, "p1-q01")
    assert f'<label class="form-label onsite-notes-label" for="q{notes.pk}-text">Anteckningar' in page
    assert f'data-autosave-url="{autosave_url(dialogue, notes)}"' in page


def test_yes_no_is_a_real_radio_group_in_a_fieldset_with_a_legend(client_for, dialogue):
    page = html(client_for("bestallare").get(section_url(dialogue)))
    research = q(dialogue, "p1-q02")
    group = re.search(r'<fieldset class="onsite-radios">(.*?)</fieldset>', page, re.S).group(1)
    assert "<legend>Ja eller nej?" in group
    for value in ["ja", "nej", ""]:
        assert f'type="radio" id="q{research.pk}-yes_no-' in group and f'value="{value}"' in group


def test_labelled_choices_are_radio_groups_and_sequence_questions_numbered_textareas(client_for, dialogue):
    page = html(client_for("bestallare").get(section_url(dialogue, "p4")))
    premises = q(dialogue, "p4-organisation-q01")
    assert '<legend><span lang="sv">För patienterna' in page and '<legend><span lang="sv">För personalen' in page
    assert f'name="q{premises.pk}-choice_1" value="nej"' in page
    example = q(dialogue, "p4-konkret-exempel-q01")
    assert '<ol class="onsite-prompts">' in page
    assert f'<label class="form-label" for="q{example.pk}-prompt_0" lang="sv">Välj ett område</label>' in page
    assert f'name="q{example.pk}-prompt_1"' in page


def test_the_navigation_follows_the_agenda_at_the_dialogues_times_with_progress(client_for, world):
    dialogue = onsite_dialogue(world, lifestyle=True)
    answer_save(dialogue=dialogue, question=q(dialogue, "p1-q01"), user=world.user("bestallare"), base_revision=0, text="Ja")
    page = html(client_for("bestallare").get(section_url(dialogue)))
    nav = page[page.index('class="onsite-nav"'):page.index("</nav>", page.index('class="onsite-nav"'))]
    # The guide's day starts 08:30; this dialogue starts 09:00, so every block moves half an hour.
    assert "09:00–10:00" in nav and "10:15–11:15" in nav
    headings = re.findall(r'<span class="onsite-nav-title" lang="sv">(.*?)</span>', nav)
    # The optional module the agenda does not name comes before the summary and feedback that close the day.
    assert headings == [
        "P1: Personal (Persons)", "P4: Processer", "Fördjupningsdel Levnadsvanor", "Sammanfattning",
        "Återkoppling till uppföljningsteamet",
    ]
    assert "1 av 3 besvarade" in nav and "0 av 2 besvarade" in nav
    assert 'aria-current="page"' in nav


def test_the_optional_module_is_only_there_when_the_dialogue_includes_it(client_for, dialogue):
    assert client_for("bestallare").get(section_url(dialogue, "levnadsvanor")).status_code == 404
    assert "Levnadsvanor" not in html(client_for("bestallare").get(section_url(dialogue)))


def test_the_parties_focus_areas_are_marked(client_for, world, dialogue):
    version = dialogue.guide_version
    choose_focus(
        dialogue, "vardcentral", world.user("staff_a1"),
        sections=[Section.objects.get(version=version, key="p4-organisation")], questions=[q(dialogue, "p1-q03")],
    )
    page = html(client_for("bestallare").get(section_url(dialogue)))
    assert page.count("Fokusområde för Vårdcentral") == 3  # nav: P1 and P4; the question p1-q03
    assert 'class="onsite-question is-focus" id="fraga-p1-q03"' in page


def test_the_data_source_hints_and_follow_ups_can_be_left_out(client_for, world):
    dialogue = onsite_dialogue(world, followups=False)
    page = html(client_for("bestallare").get(section_url(dialogue)))
    assert "onsite-followups" not in page and "patientenkat" not in page


# --- Plain form posts (no JavaScript) --------------------------------------------------------------------


def section_post(dialogue, answers: dict) -> dict:
    """Form data as the browser posts it: every question of P1 with its revision, some with new text."""
    data = {}
    for key in ["p1-q01", "p1-q02", "p1-q03"]:
        question = q(dialogue, key)
        answer = Answer.objects.filter(dialogue=dialogue, question=question).first()
        data[f"q{question.pk}-base_revision"] = answers.get(key, {}).get("base_revision", answer.revision if answer else 0)
        data[f"q{question.pk}-text"] = answers.get(key, {}).get("text", answer.text if answer else "")
        if key == "p1-q02":
            data[f"q{question.pk}-yes_no"] = answers.get(key, {}).get("yes_no", "")
    return data


def test_a_plain_post_saves_the_section_and_redirects_back(client_for, dialogue):
    client = client_for("bestallare")
    data = section_post(dialogue, {"p1-q01": {"text": "Tre läkare"}, "p1-q02": {"yes_no": "ja", "text": "Två doktorander"}})
    response = client.post(section_url(dialogue), data)
    assert response.status_code == 302 and response["Location"] == section_url(dialogue)
    saved = {answer.question.key: (answer.text, answer.yes_no, answer.revision) for answer in Answer.objects.all()}
    assert saved == {"p1-q01": ("Tre läkare", "", 1), "p1-q02": ("Två doktorander", "ja", 1)}
    page = html(client.get(response["Location"]))
    assert "Avsnittet är sparat." in page and "Tre läkare" in page and "2 av 3 besvarade" in page


def test_a_plain_post_that_meets_a_newer_save_keeps_both_texts_on_the_page(client_for, world, dialogue):
    first = q(dialogue, "p1-q01")
    answer_save(dialogue=dialogue, question=first, user=world.user("utveckling"), base_revision=0, text="Umas anteckning")
    client = client_for("bestallare")
    response = client.post(section_url(dialogue), section_post(dialogue, {"p1-q01": {"base_revision": 0, "text": "Bos anteckning"}}))
    assert response["Location"] == f"{section_url(dialogue)}#fraga-p1-q01"
    assert Answer.objects.get(question=first).text == "Umas anteckning"
    page = html(client.get(section_url(dialogue)))
    assert "1 svar kunde inte sparas" in page
    assert "data-server-conflict" in page and "Sparad av Uma Utveckling" in page
    # The field holds both texts; posting it again (from the revision now shown) keeps every word.
    assert "Umas anteckning\n\nBos anteckning</textarea>" in page
    assert f'name="q{first.pk}-base_revision" value="1"' in page
    client.post(section_url(dialogue), section_post(dialogue, {"p1-q01": {"text": "Umas anteckning\n\nBos anteckning"}}))
    assert Answer.objects.get(question=first).text == "Umas anteckning\n\nBos anteckning"
    assert "data-server-conflict" not in html(client.get(section_url(dialogue)))


def test_a_plain_post_with_too_long_text_keeps_the_text_and_says_why(client_for, dialogue):
    client = client_for("bestallare")
    long_text = "å" * (ANSWER_TEXT_MAX_LENGTH + 5)
    client.post(section_url(dialogue), section_post(dialogue, {"p1-q03": {"text": long_text}}))
    assert not Answer.objects.exists()
    page = html(client.get(section_url(dialogue)))
    assert "Texten är för lång: 20\xa0005 tecken" in page and long_text in page


def test_clinic_staff_may_not_post(client_for, world):
    dialogue = onsite_dialogue(world, shared=True)
    response = client_for("staff_a1").post(section_url(dialogue), section_post(dialogue, {"p1-q01": {"text": "Nej"}}))
    assert response.status_code == 403 and not Answer.objects.exists()


# --- The JSON autosave endpoint --------------------------------------------------------------------------


def test_autosave_answers_the_new_revision(client_for, dialogue):
    response = post_json(client_for("bestallare"), autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Hej"})
    assert response.status_code == 200
    body = response.json()
    assert body["revision"] == 1 and re.fullmatch(r"\d\d:\d\d", body["saved_at_display"]) and body["saved_at"]
    assert Answer.objects.get().text == "Hej"


def test_autosave_of_a_stale_revision_answers_409_with_the_saved_answer(client_for, world, dialogue):
    question = q(dialogue, "p1-q02")
    answer_save(dialogue=dialogue, question=question, user=world.user("utveckling"), base_revision=0, yes_no="nej", text="Umas")
    response = post_json(client_for("bestallare"), autosave_url(dialogue, question), {"base_revision": 0, "yes_no": "ja", "text": "Bos"})
    assert response.status_code == 409
    server = response.json()["server"]
    assert (server["text"], server["yes_no"], server["revision"], server["updated_by"]) == ("Umas", "nej", 1, "Uma Utveckling")
    assert server["updated_at"] and server["updated_at_display"]
    assert Answer.objects.get().text == "Umas"


def test_autosave_of_too_long_text_answers_413_with_a_message(client_for, dialogue):
    response = post_json(
        client_for("bestallare"), autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "x" * 20_001}
    )
    assert response.status_code == 413 and "högst 20\xa0000 tecken" in response.json()["error"]
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["inte json", json.dumps({"text": "saknar revision"}), json.dumps({"base_revision": "1", "text": "x"}),
     json.dumps({"base_revision": 0, "text": ["lista"]}), json.dumps([1, 2])],
)
def test_autosave_of_a_malformed_body_answers_400(client_for, dialogue, body):
    response = client_for("bestallare").post(autosave_url(dialogue, q(dialogue, "p1-q01")), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]


def test_autosave_of_a_question_outside_the_pinned_version_is_404(client_for, dialogue):
    other = guide_load_shipped()[0].questions.get(key="p1-q01")
    response = post_json(client_for("bestallare"), autosave_url(dialogue, other), {"base_revision": 0, "text": "Fel"})
    assert response.status_code == 404 and not Answer.objects.exists()


@pytest.mark.parametrize("persona, status", [("staff_a1", 403), ("staff_a2", 404), ("outsider", 404)])
def test_autosave_by_someone_who_may_not_document_writes_nothing(client_for, world, persona, status):
    dialogue = onsite_dialogue(world, shared=True)
    response = post_json(client_for(persona), autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Nej"})
    assert response.status_code == status and not Answer.objects.exists()


def test_autosave_needs_post(client_for, dialogue):
    assert client_for("bestallare").get(autosave_url(dialogue, q(dialogue, "p1-q01"))).status_code == 405


def test_autosave_stays_within_its_query_budget(client_for, dialogue, django_assert_max_num_queries):
    client = client_for("bestallare")
    url = autosave_url(dialogue, q(dialogue, "p1-q01"))
    post_json(client, url, {"base_revision": 0, "text": "Början"})
    # Session, user, dialogue with access flags, question, and the service's locked read, update and history
    # row, inside the test's transaction (savepoint and release).
    with django_assert_max_num_queries(9):
        assert post_json(client, url, {"base_revision": 1, "text": "Början och mer"}).status_code == 200


# --- Reading: clinic staff, history ----------------------------------------------------------------------


def test_clinic_staff_read_the_documentation_once_it_is_shared(client_for, world):
    dialogue = onsite_dialogue(world)
    answer_save(dialogue=dialogue, question=q(dialogue, "p1-q01"), user=world.user("bestallare"), base_revision=0, text="Delad text")
    assert client_for("staff_a1").get(section_url(dialogue)).status_code == 403
    dialogue.documentation_shared_at = dialogue.updated_at
    dialogue.save(update_fields=["documentation_shared_at"])
    page = html(client_for("staff_a1").get(section_url(dialogue)))
    assert "Delad text" in page and "<textarea" not in page and "data-onsite-form" not in page
    assert client_for("staff_a2").get(section_url(dialogue)).status_code == 404


def test_the_history_shows_who_when_and_before_and_after(client_for, world, dialogue):
    question = q(dialogue, "p1-q02")
    answer_save(dialogue=dialogue, question=question, user=world.user("bestallare"), base_revision=0, text="Först")
    answer_save(dialogue=dialogue, question=question, user=world.user("utveckling"), base_revision=1, yes_no="ja", text="Sedan")
    page = html(client_for("bestallare").get(reverse("dialogs:answer_history", args=[dialogue.pk, question.pk])))
    assert "Ändring 2: Uma Utveckling" in page and "Ändring 1: Bo Beställare" in page
    assert page.index("Ändring 2") < page.index("Ändring 1")
    row = re.search(r"Ändring 2.*?</table>", page, re.S).group(0)
    assert "Först" in row and "Sedan" in row and "Inget svar" in row and "Ja</td>" in row


def test_the_page_links_each_answered_question_to_its_history(client_for, world, dialogue):
    question = q(dialogue, "p1-q01")
    answer_save(dialogue=dialogue, question=question, user=world.user("bestallare"), base_revision=0, text="Ett")
    page = html(client_for("utveckling").get(section_url(dialogue)))
    assert reverse("dialogs:answer_history", args=[dialogue.pk, question.pk]) in page
    assert "Historik (1 ändring)" in page and "Sparat" in page and "av Bo Beställare" in page


# --- Speed -----------------------------------------------------------------------------------------------


def count_page_queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context, django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_a_fully_answered_page_renders_in_a_constant_number_of_queries(client_for, world, django_assert_max_num_queries):
    small = onsite_dialogue(world)
    answer_everything(small, world.user("bestallare"))
    full = onsite_dialogue(world, version=skr_version_of_region_a(world), lifestyle=True)
    assert answer_everything(full, world.user("bestallare")) == 104
    choose_focus(full, "bestallare", world.user("bestallare"), questions=list(full.guide_version.questions.all()[:3]))
    client = client_for("utveckling")
    small_count = count_page_queries(client, section_url(small, "p4"), django_assert_max_num_queries)
    full_count = count_page_queries(client, section_url(full, "p4"), django_assert_max_num_queries)
    assert small_count == full_count


def test_the_history_of_an_answer_loaded_without_history_shows_the_answer(client_for, world, dialogue):
    question = q(dialogue, "p1-q01")
    Answer.objects.create(dialogue=dialogue, question=question, text="Inläst svar", revision=1)
    page = html(client_for("bestallare").get(reverse("dialogs:answer_history", args=[dialogue.pk, question.pk])))
    assert "Svaret sparades utan historik" in page and "Inläst svar" in page


def test_an_answer_by_a_deleted_user_names_them_unknown(client_for, world, dialogue):
    from dialogs.models.answers import AnswerRevision

    question = q(dialogue, "p1-q01")
    answer = answer_save(dialogue=dialogue, question=question, user=world.user("admin"), base_revision=0, text="Kvar")
    # What deleting the user does to these rows (on_delete=SET_NULL).
    Answer.objects.filter(pk=answer.pk).update(updated_by=None)
    AnswerRevision.objects.filter(answer=answer).update(user=None)
    client = client_for("bestallare")
    assert "av okänd användare" in html(client.get(section_url(dialogue)))
    history = html(client.get(reverse("dialogs:answer_history", args=[dialogue.pk, question.pk])))
    assert "Ändring 1: okänd användare" in history


# --- A closed or cancelled dialogue: read-only ------------------------------------------------------------


def test_a_closed_dialogues_documentation_is_shown_read_only_with_how_to_reopen_it(client_for, world, dialogue):
    from tests.dialogs.onsite_factories import close

    answer_save(dialogue=dialogue, question=q(dialogue, "p1-q01"), user=world.user("bestallare"), base_revision=0, text="Sparad text")
    dialogue = close(world, dialogue)
    page = html(client_for("bestallare").get(section_url(dialogue)))
    assert "Sparad text" in page and "Dialogen är avslutad." in page and "ändra statusen ett steg tillbaka" in page
    assert "<textarea" not in page and "data-onsite-form" not in page and "onsite-autosave.js" not in page
    clinic_page = html(client_for("staff_a1").get(section_url(dialogue)))
    assert "Dialogen är avslutad." in clinic_page and "ett steg tillbaka" not in clinic_page


def test_autosave_to_a_closed_dialogue_is_refused_with_the_reason_and_writes_nothing(client_for, world, dialogue):
    from tests.dialogs.onsite_factories import close

    target = q(dialogue, "p1-q01")
    answer_save(dialogue=dialogue, question=target, user=world.user("bestallare"), base_revision=0, text="Sparad text")
    dialogue = close(world, dialogue)
    response = post_json(client_for("utveckling"), autosave_url(dialogue, target), {"base_revision": 1, "text": "Sent tillägg"})
    assert response.status_code == 409
    assert response.json()["closed"] is True and "avslutad" in response.json()["error"]
    assert Answer.objects.get().text == "Sparad text" and Answer.objects.get().revision == 1


def test_a_plain_post_to_a_closed_dialogue_saves_nothing_and_shows_the_text_back(client_for, world, dialogue):
    from tests.dialogs.onsite_factories import close

    dialogue = close(world, dialogue)
    first, third = q(dialogue, "p1-q01"), q(dialogue, "p1-q03")
    response = client_for("bestallare").post(
        section_url(dialogue),
        {f"q{first.pk}-base_revision": "0", f"q{first.pk}-text": "Skrivet för sent",
         f"q{third.pk}-base_revision": "0", f"q{third.pk}-text": ""},
    )
    assert response.status_code == 409
    page = html(response)
    assert "inget har sparats" in page and "avslutad" in page and "Skrivet för sent" in page
    assert third.text not in page  # an empty, unchanged answer is not repeated
    assert not Answer.objects.exists()


def test_reopening_one_step_back_makes_the_documentation_editable_again(client_for, world, dialogue):
    from dialogs.models.dialogue import DialogueStatus
    from tests.dialogs.onsite_factories import close

    dialogue = close(world, dialogue)
    client = client_for("bestallare")
    client.post(reverse("dialogs:dialogue_transition", args=[dialogue.pk]), {"status": DialogueStatus.ATERKOPPLING_DELAD})
    assert "<textarea" in html(client.get(section_url(dialogue)))
    response = post_json(client, autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Rättat"})
    assert response.status_code == 200 and Answer.objects.get().text == "Rättat"


def test_a_cancelled_dialogues_documentation_is_read_only(client_for, world, dialogue):
    from dialogs.services.dialogue import dialogue_cancel

    dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Sjukdom")
    client = client_for("bestallare")
    page = html(client.get(section_url(dialogue)))
    assert "Dialogen är inställd." in page and "<textarea" not in page
    response = post_json(client, autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Ändå"})
    assert response.status_code == 409 and "inställd" in response.json()["error"]
    assert not Answer.objects.exists()


# --- One rule for who changes a dialogue ------------------------------------------------------------------


def test_a_team_member_who_lost_their_region_role_loses_access(client_for, world, dialogue):
    from dialogs import access
    from organisations.models import Membership

    Membership.objects.filter(user=world.user("utveckling")).delete()
    assert dialogue.team_members.filter(user=world.user("utveckling")).exists()
    client = client_for("utveckling")
    assert client.get(section_url(dialogue)).status_code == 404
    assert post_json(client, autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Nej"}).status_code == 404
    assert not access.can_edit_dialogue(world.user("utveckling"), dialogue)
    assert not Answer.objects.exists()


def test_a_team_member_who_became_clinic_staff_reads_but_no_longer_writes(client_for, world):
    from dialogs import access
    from organisations.models import Membership, Party, Role

    dialogue = onsite_dialogue(world, shared=True)
    Membership.objects.filter(user=world.user("utveckling")).update(role=Role.VARDCENTRAL, party=Party.VARDCENTRAL, clinic=world.clinic_a1)
    client = client_for("utveckling")
    assert "<textarea" not in html(client.get(section_url(dialogue)))
    assert post_json(client, autosave_url(dialogue, q(dialogue, "p1-q01")), {"base_revision": 0, "text": "Nej"}).status_code == 403
    assert not access.can_edit_dialogue(world.user("utveckling"), dialogue)


@pytest.mark.parametrize(
    "persona, allowed",
    [("admin", True), ("bestallare", True), ("utveckling", True), ("staff_a1", False), ("staff_a2", False), ("outsider", False)],
)
def test_the_annotated_and_the_plain_rule_agree(world, dialogue, persona, allowed):
    from dialogs import access
    from dialogs.models.dialogue import Dialogue

    user = world.user(persona)
    annotated = access.with_editor_flag(Dialogue.objects.select_related("clinic__region"), user).get(pk=dialogue.pk)
    plain = Dialogue.objects.select_related("clinic__region").get(pk=dialogue.pk)
    assert access.can_edit_dialogue(user, annotated) is allowed
    assert access.can_edit_dialogue(user, plain) is allowed
