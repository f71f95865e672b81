"""Dialogue pages with the test client: planning (and its bad input), the overview lists, preparation per party,
summary with the follow-up meeting, status changes, sharing, the letter and the exports. Permissions on GET
are in routes.py (the authorization matrix); the POSTs' permissions are here."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogs.models.dialogue import Dialogue, DialogueStatus, FollowUpMeeting, LetterTemplate, Preparation
from dialogs.services import dialogue as services
from dialogs.services import guide as guide_services
from organisations.models import Clinic
from tests.dialogs.dialogue_factories import held, plan, published_dialogue_version, workday_after, write_answer

TODAY = timezone.localdate


def _planning_post(world, **changes) -> dict:
    data = {
        "clinic": world.clinic_a1.pk,
        "date": workday_after(21).isoformat(),  # no weekend or holiday warning to confirm
        "start_time": "09:15",
        "place": "",
        "guide_version": published_dialogue_version(world).pk,
        "include_lifestyle_module": "on",
        "show_followups": "on",
        f"member_{world.user('bestallare').pk}": "on",
        f"roles_{world.user('bestallare').pk}": ["intervjuare", "dokumentation"],
        f"member_{world.user('utveckling').pk}": "on",
        f"roles_{world.user('utveckling').pk}": ["bisittare"],
        "deltagare-TOTAL_FORMS": "3",
        "deltagare-INITIAL_FORMS": "0",
        "deltagare-MIN_NUM_FORMS": "0",
        "deltagare-MAX_NUM_FORMS": "30",
        "deltagare-0-name": "Vera Verksamhetschef",
        "deltagare-0-role": "verksamhetschef",
        "deltagare-1-name": "Mats Läkare",
        "deltagare-1-role": "medicinskt_ansvarig_lakare",
    }
    data.update(changes)
    return data


# --- Planning ---------------------------------------------------------------------------------------------


def test_planning_form_offers_the_regions_clinics_published_versions_and_uppfoljare(world, client_for):
    version = published_dialogue_version(world)
    guide_services.guide_version_draft_start(source=version, user=None)
    response = client_for("bestallare").get(reverse("dialogs:dialogue_create"))
    form = response.context["day_form"]
    assert list(form.fields["clinic"].queryset) == [world.clinic_a1, world.clinic_a2]
    assert list(form.fields["guide_version"].queryset) == [version]
    assert form.initial["guide_version"] == version.pk
    assert [m.user.username for m in response.context["team_form"].candidates] == ["bestallare", "utveckling"]
    assert "Vårdcentral B1" not in response.content.decode()


def test_planning_a_dialogue_saves_it_and_shows_the_agenda_from_the_start_time(world, client_for):
    client = client_for("bestallare")
    response = client.post(reverse("dialogs:dialogue_create"), _planning_post(world))
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    assert dialogue.start_time == datetime.time(9, 15) and dialogue.include_lifestyle_module
    assert [(m.user.username, m.roles) for m in dialogue.team_members.order_by("party")] == [
        ("bestallare", ["intervjuare", "dokumentation"]),
        ("utveckling", ["bisittare"]),
    ]
    assert [p.name for p in dialogue.clinic_participants.all()] == ["Vera Verksamhetschef", "Mats Läkare"]
    page = client.get(response["Location"]).content.decode()
    # The guide's blocks 08:30–09:30, 09:30–09:45, 09:45–10:45, 14:00–14:30 moved by 45 minutes.
    for times in ("09:15–10:15", "10:15–10:30", "10:30–11:30", "14:45–15:15"):
        assert times in page
    assert "Mats Läkare, medicinskt ansvarig läkare" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda world: {"date": (TODAY() - datetime.timedelta(days=1)).isoformat()}, "date"),
        (lambda world: {"clinic": world.clinic_b1.pk}, "clinic"),
        (lambda world: {"guide_version": _retired(world).pk}, "guide_version"),
    ],
    ids=["past date", "clinic outside the region", "retired version"],
)
def test_bad_planning_input_gives_form_errors_and_saves_nothing(world, client_for, change, field):
    response = client_for("bestallare").post(reverse("dialogs:dialogue_create"), _planning_post(world, **change(world)))
    assert response.status_code == 200
    assert field in response.context["day_form"].errors
    assert "Dialogen är inte sparad" in response.content.decode()
    assert not Dialogue.objects.exists()


def _retired(world):
    version = published_dialogue_version(world)
    return guide_services.guide_version_retire(version=version)


def test_planning_without_a_team_member_is_refused(world, client_for):
    data = _planning_post(world)
    for key in [key for key in data if key.startswith(("member_", "roles_"))]:
        del data[key]
    response = client_for("bestallare").post(reverse("dialogs:dialogue_create"), data)
    assert response.context["team_form"].non_field_errors()
    assert not Dialogue.objects.exists()


def test_a_participant_row_needs_name_and_role(world, client_for):
    data = _planning_post(world, **{"deltagare-2-name": "Utan roll"})
    response = client_for("bestallare").post(reverse("dialogs:dialogue_create"), data)
    assert response.context["participants"].forms[2].errors["role"]
    assert not Dialogue.objects.exists()


def test_clinic_staff_and_outsiders_cannot_plan_in_region_a(world, client_for):
    assert client_for("staff_a1").post(reverse("dialogs:dialogue_create"), _planning_post(world)).status_code == 403
    # The outsider plans in their own region B, where clinic A1 is no choice.
    response = client_for("outsider").post(reverse("dialogs:dialogue_create"), _planning_post(world))
    assert response.status_code == 200 and "clinic" in response.context["day_form"].errors
    assert not Dialogue.objects.exists()


def test_changing_the_plan(world, client_for):
    dialogue = plan(world)
    data = _planning_post(world, start_time="13:00", place="Regionhuset")
    del data["clinic"], data["guide_version"]
    response = client_for("utveckling").post(reverse("dialogs:dialogue_update", args=[dialogue.pk]), data)
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert (dialogue.start_time, dialogue.place) == (datetime.time(13, 0), "Regionhuset")
    assert client_for("staff_a1").post(reverse("dialogs:dialogue_update", args=[dialogue.pk]), data).status_code == 403


def _opened_plan(client, dialogue) -> dict:
    """What the planning form posts as opened: its own values, the stamp it was opened at among them."""
    form = client.get(reverse("dialogs:dialogue_update", args=[dialogue.pk])).context["day_form"]
    return {"plan_stamp": form.initial["plan_stamp"]}


def test_a_plan_changed_by_someone_else_meanwhile_is_shown_not_overwritten(world, client_for):
    dialogue = plan(world)
    url = reverse("dialogs:dialogue_update", args=[dialogue.pk])
    first, second = client_for("utveckling"), client_for("bestallare")
    opened_first, opened_second = _opened_plan(first, dialogue), _opened_plan(second, dialogue)
    base = _planning_post(world, date=dialogue.date.isoformat())
    del base["clinic"], base["guide_version"]

    assert first.post(url, {**base, **opened_first, "start_time": "13:00"}).status_code == 302
    response = second.post(url, {**base, **opened_second, "place": "Regionhuset"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har ändrat planeringen" in page and "13:00" in page  # the plan saved meanwhile
    assert 'value="Regionhuset"' in page  # their own change, still in the form
    dialogue.refresh_from_db()
    assert dialogue.start_time == datetime.time(13, 0) and dialogue.place != "Regionhuset"

    # Having seen the saved plan, posting again (the form now carries its stamp) saves theirs.
    again = response.context["day_form"].data["plan_stamp"]
    assert second.post(url, {**base, "plan_stamp": again, "start_time": "13:00", "place": "Regionhuset"}).status_code == 302
    dialogue.refresh_from_db()
    assert (dialogue.start_time, dialogue.place) == (datetime.time(13, 0), "Regionhuset")


def test_a_form_from_before_ones_own_save_shows_the_saved_plan_and_a_fresh_form_saves(world, client_for):
    dialogue = plan(world)
    url = reverse("dialogs:dialogue_update", args=[dialogue.pk])
    client = client_for("utveckling")
    data = {**_planning_post(world, date=dialogue.date.isoformat(), place="Regionhuset"), **_opened_plan(client, dialogue)}
    del data["clinic"], data["guide_version"]
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409  # the copy the back button shows: before the first save
    fresh = {**data, **_opened_plan(client, dialogue)}
    assert client.post(url, fresh).status_code == 302


# --- Overview ---------------------------------------------------------------------------------------------


def test_overview_filters_by_clinic_status_year_and_team_member(world, client_for):
    first = plan(world)
    second = plan(world, clinic=world.clinic_a2)
    old = held(world, days_ago=400)
    services.dialogue_update(
        dialogue=second, date=second.date, start_time=second.start_time, place=second.place,
        include_lifestyle_module=False, show_followups=True,
        team=[services.TeamSelection(user_id=world.user("utveckling").pk)], participants=[], user=None,
    )
    client = client_for("admin")
    url = reverse("dialogs:dialogue_list")

    def listed(query=""):
        return list(client.get(url + query).context["page"].object_list)

    assert set(listed()) == {first, second, old}
    assert set(listed(f"?clinic={world.clinic_a2.pk}")) == {second}
    assert listed("?status=genomford") == [old]
    assert set(listed(f"?year={old.date.year}")) >= {old}
    assert set(listed(f"?team_member={world.user('bestallare').pk}")) == {first, old}


def test_clinic_staff_see_only_their_clinics_dialogues(world, client_for):
    own = plan(world)
    plan(world, clinic=world.clinic_a2)
    response = client_for("staff_a1").get(reverse("dialogs:dialogue_list"))
    assert list(response.context["page"].object_list) == [own]
    clinics = client_for("staff_a1").get(reverse("dialogs:dialogue_clinics")).context["clinics"]
    assert [clinic.name for clinic in clinics] == ["Vårdcentral A1"]
    assert client_for("outsider").get(reverse("dialogs:dialogue_list")).context["page"].paginator.count == 0


def test_per_clinic_view_shows_the_last_dialogue_and_clinics_without_one(world, client_for):
    recent = held(world, days_ago=30)
    held(world, days_ago=500, clinic=world.clinic_a2)
    client = client_for("bestallare")
    clinics = {clinic.name: clinic for clinic in client.get(reverse("dialogs:dialogue_clinics")).context["clinics"]}
    assert clinics["Vårdcentral A1"].last_dialogue_date == recent.date
    without = client.get(reverse("dialogs:dialogue_clinics") + "?months=12").context["clinics"]
    assert [clinic.name for clinic in without] == ["Vårdcentral A2"]


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_overview_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("bestallare")
    plan(world)
    list_url, clinics_url = reverse("dialogs:dialogue_list"), reverse("dialogs:dialogue_clinics") + "?months=3"
    _queries(client, list_url)  # warm the session
    few = (_queries(client, list_url), _queries(client, clinics_url))
    for number in range(12):
        clinic = Clinic.objects.create(region=world.region_a, name=f"Vårdcentral X{number}", hsa_id=f"SE-X{number}")
        plan(world, clinic=clinic)
        held(world, clinic=clinic, days_ago=100 + number)
    many = (_queries(client, list_url), _queries(client, clinics_url))
    assert few == many
    with django_assert_max_num_queries(12):
        response = client.get(list_url)
    assert response.context["page"].paginator.count == 25
    with django_assert_max_num_queries(7):
        client.get(clinics_url)


def test_detail_page_runs_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    previous = held(world, days_ago=90, status=DialogueStatus.UPPFOLJNING_BOKAD)
    write_answer(previous, "sammanfattning-q02", "Fortsätt med kontinuiteten")
    small = plan(world, participants=[services.ParticipantData("Vera", "verksamhetschef")])
    large = plan(world, participants=[services.ParticipantData(f"Person {n}", "annan", "sjuksköterska") for n in range(12)])
    client = client_for("bestallare")
    url = reverse("dialogs:dialogue_detail", args=[small.pk])
    _queries(client, url)
    assert _queries(client, url) == _queries(client, reverse("dialogs:dialogue_detail", args=[large.pk]))
    # 20, one for the clinic's fördjupad uppföljning (issue 13) and one for the team's other dialogues that day
    with django_assert_max_num_queries(22):
        client.get(url)


def test_the_planner_is_told_when_a_team_member_has_another_dialogue_that_day(world, client_for):
    day = workday_after(20)
    morning = plan(world, day=day, start=datetime.time(8, 30))
    neighbour = plan(world, clinic=world.clinic_a2, day=day, start=datetime.time(13, 0))
    elsewhere = plan(world, clinic=world.clinic_a2, day=day + datetime.timedelta(days=1))
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:dialogue_detail", args=[morning.pk])).content.decode()
    warning = page[page.index('data-testid="team-clashes"'):]
    warning = warning[:warning.index("</div>")]
    neighbour_url = reverse("dialogs:dialogue_detail", args=[neighbour.pk])
    # One line per other dialogue, naming everyone the two teams share, in the order the team is listed.
    assert warning.count("<li>") == 1
    assert (f'Bo Beställare och Uma Utveckling är också med i teamet för <a href="{neighbour_url}">Vårdcentral A2</a>'
            " (kl. 13:00)." in warning)
    assert reverse("dialogs:dialogue_detail", args=[elsewhere.pk]) not in warning
    # A warning, not a refusal: the dialogue stays planned as it is. A cancelled dialogue frees the day.
    services.dialogue_cancel(dialogue=neighbour, user=world.user("bestallare"), reason="Vårdcentralen bad om ett nytt datum")
    assert 'data-testid="team-clashes"' not in client.get(reverse("dialogs:dialogue_detail", args=[morning.pk])).content.decode()


def test_only_the_planners_see_the_clash_and_only_before_the_day(world, client_for):
    day = timezone.localdate()
    today = plan(world, day=day, start=datetime.time(8, 30))
    plan(world, clinic=world.clinic_a2, day=day, start=datetime.time(13, 0))
    url = reverse("dialogs:dialogue_detail", args=[today.pk])
    assert 'data-testid="team-clashes"' in client_for("bestallare").get(url).content.decode()
    assert 'data-testid="team-clashes"' not in client_for("staff_a1").get(url).content.decode()
    services.dialogue_transition(dialogue=today, to_status=DialogueStatus.GENOMFORD, user=world.user("bestallare"))
    assert 'data-testid="team-clashes"' not in client_for("bestallare").get(url).content.decode()



def test_detail_page_names_the_agenda_by_its_heading_so_it_is_read_once(world, client_for):
    dialogue = plan(world)
    content = client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert content.count("Dagens program") == 1
    assert '<h2 id="agenda-heading" class="h5">Dagens program</h2>' in content
    assert '<table class="table table-sm bg-white agenda-table" aria-labelledby="agenda-heading">' in content
    assert "<caption>" not in content.split('id="agenda-heading"', 1)[1].split("</table>", 1)[0]

# --- Preparation ------------------------------------------------------------------------------------------


def _preparation_post(dialogue, *focus_keys, **changes):
    version = dialogue.guide_version
    values = []
    for key in focus_keys:
        section = version.sections.filter(key=key).first()
        values.append(f"section-{section.pk}" if section else f"question-{version.questions.get(key=key).pk}")
    data = {"focus": values, "overview_notes": "Bra resultat i NPE.", "data_sources": ["npe", "pvk"],
            "data_sources_other": "", "responsibility": "Visa data"}
    data.update(changes)
    return data


@pytest.mark.parametrize("persona,party", [("staff_a1", "vardcentral"), ("bestallare", "bestallare"), ("utveckling", "utveckling")])
def test_each_party_records_its_own_preparation_and_all_read_all(world, client_for, persona, party):
    dialogue = plan(world)
    url = reverse("dialogs:preparation_update", args=[dialogue.pk, party])
    response = client_for(persona).post(url, _preparation_post(dialogue, "p1", "p1-q02"))
    assert response.status_code == 302
    preparation = Preparation.objects.get(dialogue=dialogue, party=party)
    assert preparation.updated_by == world.user(persona)
    for reader in ("staff_a1", "bestallare", "utveckling", "admin"):
        page = client_for(reader).get(reverse("dialogs:preparation_list", args=[dialogue.pk])).content.decode()
        assert "Bra resultat i NPE." in page and "Pågår någon forskning på vårdcentralen?" in page


def test_nobody_edits_another_partys_preparation(world, client_for):
    dialogue = plan(world)
    data = _preparation_post(dialogue, "p1", "p4")
    forbidden = [("staff_a1", "bestallare"), ("bestallare", "vardcentral"), ("utveckling", "bestallare"), ("admin", "utveckling")]
    for persona, party in forbidden:
        assert client_for(persona).post(reverse("dialogs:preparation_update", args=[dialogue.pk, party]), data).status_code == 403
    assert client_for("staff_a2").post(reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"]), data).status_code == 404
    assert not Preparation.objects.exists()


def test_preparation_with_one_or_four_areas_is_refused(world, client_for):
    dialogue = plan(world)
    client = client_for("bestallare")
    url = reverse("dialogs:preparation_update", args=[dialogue.pk, "bestallare"])
    for keys in (("p1",), ("p1", "p4", "p1-q01", "p1-q02")):
        response = client.post(url, _preparation_post(dialogue, *keys))
        assert response.status_code == 200 and "focus" in response.context["form"].errors
    assert not Preparation.objects.exists()


def test_preparation_of_a_question_from_another_version_is_refused(world, client_for):
    dialogue = plan(world)
    other = guide_services.guide_version_draft_start(source=dialogue.guide_version, user=None)
    data = _preparation_post(dialogue, "p1")
    data["focus"].append(f"question-{other.questions.first().pk}")
    response = client_for("bestallare").post(reverse("dialogs:preparation_update", args=[dialogue.pk, "bestallare"]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Preparation.objects.exists()


# --- Status, summary, follow-up meeting, sharing ----------------------------------------------------------


def test_status_change_through_the_page_and_a_refused_one_explained(world, client_for):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    client = client_for("utveckling")
    url = reverse("dialogs:dialogue_transition", args=[dialogue.pk])
    response = client.post(url, {"status": "avslutad"}, follow=True)
    assert "kan inte avslutas" in response.content.decode()
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.ATERKOPPLING_DELAD
    client.post(reverse("dialogs:follow_up_waive", args=[dialogue.pk]), {"reason": "Inget behov just nu"})
    client.post(url, {"status": "avslutad", "note": "Klart"})
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.AVSLUTAD
    assert client_for("staff_a1").post(url, {"status": "planerad"}).status_code == 403
    assert client_for("outsider").post(url, {"status": "planerad"}).status_code == 404


def test_summary_shows_the_closing_sections_and_booking_gives_an_invitation(world, client_for):
    import icalendar

    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    write_answer(dialogue, "sammanfattning-q01", "Stark teamkänsla")
    write_answer(dialogue, "aterkoppling-q01", "Bra förberett")
    client = client_for("bestallare")
    page = client.get(reverse("dialogs:dialogue_summary", args=[dialogue.pk])).content.decode()
    assert "Vad gör ni bra?" in page and "Stark teamkänsla" in page and "Bra förberett" in page
    assert "Inget uppföljningsmöte är bokat ännu." in page
    day = workday_after(35)
    response = client.post(
        reverse("dialogs:follow_up_book", args=[dialogue.pk]),
        {"date": day.isoformat(), "start_time": "10:00", "duration_minutes": "45",
         "video_link": "https://video.example.org/m/42", "focus_area": "Kontinuitet, fast läkare"},
    )
    assert response.status_code == 302
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.UPPFOLJNING_BOKAD
    ics = client.get(reverse("dialogs:follow_up_ics", args=[dialogue.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime.combine(day, datetime.time(10, 0))
    assert (event["DTEND"].dt - event["DTSTART"].dt) == datetime.timedelta(minutes=45)
    assert "Kontinuitet, fast läkare" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "https://video.example.org/m/42"


def next_saturday(after: datetime.date) -> datetime.date:
    return after + datetime.timedelta(days=(5 - after.weekday()) % 7 or 7)


def test_a_meeting_on_a_weekend_is_booked_only_once_the_person_confirms_the_day(world, client_for):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    client = client_for("bestallare")
    url = reverse("dialogs:follow_up_book", args=[dialogue.pk])
    saturday = next_saturday(TODAY() + datetime.timedelta(days=20))
    booking = {"date": saturday.isoformat(), "start_time": "10:00", "duration_minutes": "60", "video_link": "", "focus_area": ""}
    warned = client.post(url, booking)
    assert warned.status_code == 200 and not FollowUpMeeting.objects.exists()
    assert "är en lördag." in warned.content.decode() and "Boka mötet den dagen ändå" in warned.content.decode()
    unticked = client.post(url, {**booking, "confirm_date": ""})
    assert unticked.status_code == 200 and not FollowUpMeeting.objects.exists()
    assert client.post(url, {**booking, "confirm_date": "on"}).status_code == 302
    assert FollowUpMeeting.objects.get(dialogue=dialogue).date == saturday
    # Changing the time of the meeting that day asks nothing again; moving it to another weekend day does.
    assert client.post(url, {**booking, "start_time": "11:00"}).status_code == 302
    sunday = {**booking, "date": (saturday + datetime.timedelta(days=8)).isoformat()}
    assert "är en söndag." in client.post(url, sunday).content.decode()
    assert FollowUpMeeting.objects.get(dialogue=dialogue).date == saturday


def test_booking_with_bad_input_is_refused(world, client_for):
    dialogue = held(world)
    response = client_for("bestallare").post(
        reverse("dialogs:follow_up_book", args=[dialogue.pk]),
        {"date": (dialogue.date - datetime.timedelta(days=2)).isoformat(), "start_time": "10:00",
         "duration_minutes": "60", "video_link": "inte en länk"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"date", "video_link"} or "video_link" in response.context["form"].errors
    assert not FollowUpMeeting.objects.exists()
    assert client_for("staff_a1").post(reverse("dialogs:follow_up_book", args=[dialogue.pk]), {}).status_code == 403


def test_clinic_staff_read_the_documentation_only_once_shared(world, client_for):
    dialogue = held(world)
    write_answer(dialogue, "p1-q01", "Tre läkare och fem sjuksköterskor")
    staff = client_for("staff_a1")
    for name in ("dialogs:dialogue_summary", "dialogs:dialogue_documentation", "dialogs:dialogue_export_csv"):
        assert staff.get(reverse(name, args=[dialogue.pk])).status_code == 403
    assert staff.post(reverse("dialogs:dialogue_share", args=[dialogue.pk])).status_code == 403
    response = client_for("bestallare").post(reverse("dialogs:dialogue_share", args=[dialogue.pk]))
    assert response.status_code == 302
    assert "Tre läkare och fem sjuksköterskor" in staff.get(reverse("dialogs:dialogue_documentation", args=[dialogue.pk])).content.decode()
    # Reading is all they may do: the status and the follow-up meeting stay the team's.
    assert staff.post(reverse("dialogs:follow_up_waive", args=[dialogue.pk]), {"reason": "x"}).status_code == 403
    assert client_for("staff_a2").get(reverse("dialogs:dialogue_documentation", args=[dialogue.pk])).status_code == 404


def test_continuity_a_new_dialogue_opens_with_what_the_last_one_agreed(world, client_for):
    previous = held(world, days_ago=200)  # held; its feedback (which would share the documentation) not shared
    services.follow_up_book(
        dialogue=previous, user=world.user("bestallare"), date=timezone.localdate() + datetime.timedelta(days=30),
        start_time=datetime.time(9, 0), duration_minutes=60, video_link="", focus_area="Kontinuitet",
    )
    write_answer(previous, "sammanfattning-q02", "Införa fast vårdkontakt för äldre")
    write_answer(previous, "aterkoppling-q04", "Uppföljning om kontinuitet i höst")
    new = plan(world)
    page = client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[new.pk])).content.decode()
    assert "Från förra dialogen" in page
    assert "Införa fast vårdkontakt för äldre" in page and "Uppföljning om kontinuitet i höst" in page
    assert "Kontinuitet" in page  # the follow-up meeting's wished focus
    # The clinic sees the previous conclusions once that documentation was shared.
    assert "Från förra dialogen" not in client_for("staff_a1").get(reverse("dialogs:dialogue_detail", args=[new.pk])).content.decode()
    services.dialogue_share_documentation(dialogue=previous, user=world.user("bestallare"))
    assert "Införa fast vårdkontakt" in client_for("staff_a1").get(reverse("dialogs:dialogue_detail", args=[new.pk])).content.decode()


# --- Letter and exports -----------------------------------------------------------------------------------


def test_letter_page_fills_in_the_dialogue_and_the_pdf_renders(world, client_for):
    dialogue = plan(world, participants=[services.ParticipantData("Vera V", "verksamhetschef")])
    client = client_for("staff_a1")
    page = client.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert "Vårdcentral A1" in page and "08:30–09:30 Genomgång av P1" in page
    assert "Vera V, verksamhetschef" in page and "Bo Beställare, Beställarorganisation" in page
    assert "Öppenhet" in page and "Förbättringstrappan" in page
    pdf = client.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_letter_is_shown_and_downloaded_as_the_clinic_receives_it_whatever_the_readers_language(world, client_for):
    """The letter goes to the clinic in Swedish; a team member or administrator reading the site in English sees
    and downloads that letter (marked lang="sv"), and the template editor offers the Swedish default, so saving it
    from an English page never turns the region's letter English."""
    from tests.dialogs.test_language_of_parts import LanguageOfText
    from tests.pdftext import pdf_flat_text

    dialogue = plan(world)
    english = client_for("admin")
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = english.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    page = LanguageOfText()
    page.feed(html)
    subjects = {lang for text, lang in page.texts if text.startswith("Välkommen till uppföljningsdialog på Vårdcentral A1")}
    assert subjects == {"sv"}
    assert page.language_of("Download as PDF") == {"en"}
    assert "The letter is shown in Swedish, as the clinic receives it." in html
    pdf = english.get(reverse("dialogs:dialogue_letter_pdf", args=[dialogue.pk])).content
    assert "Välkommen till uppföljningsdialog" in pdf_flat_text(pdf) and "Welcome" not in pdf_flat_text(pdf)
    form = english.get(reverse("dialogs:letter_template_update")).content.decode()
    assert "Välkommen till uppföljningsdialog på {vardcentral} {datum}" in form and 'lang="sv"' in form
    assert english.post(reverse("dialogs:letter_template_update"), {
        "subject": "Välkommen till uppföljningsdialog på {vardcentral} {datum}", "body": "Vi ses {datum}."}).status_code == 302
    assert LetterTemplate.objects.get(region=world.region_a).subject.startswith("Välkommen")


def test_administrators_edit_the_regions_letter_template(world, client_for):
    client = client_for("admin")
    url = reverse("dialogs:letter_template_update")
    response = client.post(url, {"subject": "Välkomna {vardcentral}", "body": "Vi ses {datum} kl. {tid}.\n\n{agenda}"})
    assert response.status_code == 302
    dialogue = plan(world)
    page = client.get(reverse("dialogs:dialogue_letter", args=[dialogue.pk])).content.decode()
    assert "Välkomna Vårdcentral A1" in page and "kl. 08:30" in page
    response = client.post(url, {"subject": "Hej {vårdcentral}", "body": "x"})
    assert "Okända platshållare" in response.content.decode()
    assert LetterTemplate.objects.get().subject == "Välkomna {vardcentral}"
    client.post(reverse("dialogs:letter_template_reset"))
    assert not LetterTemplate.objects.exists()
    assert client_for("bestallare").post(url, {"subject": "x", "body": "y"}).status_code == 403


def test_a_letter_template_saved_by_someone_else_meanwhile_is_shown_not_overwritten(world, client_for):
    client = client_for("admin")
    url = reverse("dialogs:letter_template_update")
    opened = client.get(url).context["form"].initial["base"]  # two tabs, or two administrators, open the editor
    assert client.post(url, {"subject": "Välkomna {vardcentral}", "body": "Första texten.", "base": opened}).status_code == 302
    response = client.post(url, {"subject": "Hej {vardcentral}", "body": "Andra texten.", "base": opened})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har sparat brevmallen" in page and "Första texten." in page and "Andra texten." in page
    assert LetterTemplate.objects.get(region=world.region_a).body == "Första texten."
    # The same text posted again is no conflict; having seen the saved text, saving again keeps the new one.
    assert client.post(url, {"subject": "Välkomna {vardcentral}", "body": "Första texten.", "base": opened}).status_code == 302
    again = response.context["form"].data["base"]
    assert client.post(url, {"subject": "Hej {vardcentral}", "body": "Andra texten.", "base": again}).status_code == 302
    assert LetterTemplate.objects.get(region=world.region_a).body == "Andra texten."


def test_a_letter_template_reset_meanwhile_is_shown_before_it_is_written_over(world, client_for):
    client = client_for("admin")
    url = reverse("dialogs:letter_template_update")
    client.post(url, {"subject": "Välkomna {vardcentral}", "body": "Regionens text."})
    opened = client.get(url).context["form"].initial["base"]
    client.post(reverse("dialogs:letter_template_reset"))
    response = client.post(url, {"subject": "Välkomna {vardcentral}", "body": "Regionens text, ändrad.", "base": opened})
    assert response.status_code == 409 and "Välkommen till uppföljningsdialog" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_exports_of_a_fully_documented_dialogue(world, client_for, django_assert_max_num_queries):
    from openpyxl import load_workbook

    dialogue = held(world)
    for question in dialogue.guide_version.questions.all():
        write_answer(dialogue, question.key, f"=SUM(A1) svar på {question.key}")
    client = client_for("bestallare")
    with django_assert_max_num_queries(25):
        csv_response = client.get(reverse("dialogs:dialogue_export_csv", args=[dialogue.pk]))
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Avsnitt;Delavsnitt;Fråga;Svar")
    assert "'=SUM(A1) svar på p1-q01" in text
    xlsx = client.get(reverse("dialogs:dialogue_export_xlsx", args=[dialogue.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    answers = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert answers and all(answer.startswith("'=SUM(A1)") for answer in answers)
    pdf = client.get(reverse("dialogs:dialogue_export_pdf", args=[dialogue.pk]))
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf["Content-Disposition"]


def test_dialogue_calendar_invitation_downloads(world, client_for):
    import icalendar

    dialogue = plan(world)
    response = client_for("staff_a1").get(reverse("dialogs:dialogue_ics", args=[dialogue.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content and b"\n" not in response.content.replace(b"\r\n", b"")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"dialogue-{dialogue.pk}@127.0.0.1:8000"
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime.datetime.combine(dialogue.date, datetime.time(8, 30))
    assert event["DTEND"].dt.replace(tzinfo=None) == datetime.datetime.combine(dialogue.date, datetime.time(14, 30))


def test_home_page_data_upcoming_dialogues(world):
    from dialogs.selectors.dialogue import upcoming_dialogues_for_user

    soon = plan(world, day=TODAY() + datetime.timedelta(days=3))
    later = plan(world, clinic=world.clinic_a2, day=TODAY() + datetime.timedelta(days=9))
    held(world, days_ago=5)
    assert upcoming_dialogues_for_user(world.user("bestallare"), 5) == [soon, later]
    assert upcoming_dialogues_for_user(world.user("bestallare"), 1) == [soon]
    assert upcoming_dialogues_for_user(world.user("staff_a2"), 5) == [later]
    assert upcoming_dialogues_for_user(world.user("outsider"), 5) == []
    assert upcoming_dialogues_for_user(world.user("bestallare"), 5, region=world.region_b) == []


def test_pages_survive_a_deleted_author(world, client_for):
    """Status history, preparations and exports name "okänd" when the account behind a change is gone."""
    from dialogs.models.answers import Answer
    from dialogs.models.dialogue import DialogueStatusChange

    dialogue = held(world)
    write_answer(dialogue, "p1-q01", "Text")
    DialogueStatusChange.objects.filter(dialogue=dialogue).update(changed_by=None)
    Answer.objects.filter(dialogue=dialogue).update(updated_by=None)
    client = client_for("bestallare")
    assert "okänd" in client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert client.get(reverse("dialogs:dialogue_export_csv", args=[dialogue.pk])).status_code == 200
    fresh = plan(world, clinic=world.clinic_a2)
    client.post(
        reverse("dialogs:preparation_update", args=[fresh.pk, "bestallare"]), _preparation_post(fresh, "p1", "p4")
    )
    Preparation.objects.update(updated_by=None)
    assert "av okänd" in client.get(reverse("dialogs:preparation_list", args=[fresh.pk])).content.decode()


# --- Navigation: the "Dialoger" entry and the clinic's data --------------------------------------------------


def test_the_dialogs_entry_opens_the_overview(client_for, world):
    response = client_for("staff_a1").get(reverse("dialogs:index"))
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:dialogue_list")


def test_the_overview_links_planning_and_the_guide_for_the_follow_up_team_only(client_for, world):
    team = client_for("bestallare").get(reverse("dialogs:dialogue_list")).content.decode()
    assert reverse("dialogs:dialogue_create") in team and reverse("dialogs:guide_list") in team
    staff = client_for("staff_a1").get(reverse("dialogs:dialogue_list")).content.decode()
    assert reverse("dialogs:dialogue_create") not in staff and reverse("dialogs:guide_list") not in staff


@pytest.mark.parametrize("persona", ["bestallare", "staff_a1"])
def test_the_dialogue_page_links_the_clinics_indicators_and_presentation_mode(client_for, world, persona):
    dialogue = plan(world)
    page = client_for(persona).get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk]) in page
    assert reverse("indicators:clinic_presentation", args=[world.clinic_a1.pk]) in page


# --- Cancelling and deleting ------------------------------------------------------------------------------


def _cancel(client, dialogue, reason="Verksamhetschefen är sjuk; ny tid bokas."):
    return client.post(reverse("dialogs:dialogue_cancel", args=[dialogue.pk]), {"reason": reason})


def test_the_team_cancels_a_planned_dialogue_with_a_reason_the_clinic_reads(world, client_for):
    dialogue = plan(world)
    detail = reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    page = client_for("utveckling").get(detail).content.decode()
    assert reverse("dialogs:dialogue_cancel", args=[dialogue.pk]) in page
    response = _cancel(client_for("utveckling"), dialogue)
    assert response.status_code == 302 and response["Location"] == detail
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.INSTALLD
    for persona in ("utveckling", "staff_a1"):
        page = client_for(persona).get(detail).content.decode()
        assert 'data-testid="cancellation"' in page and "Verksamhetschefen är sjuk; ny tid bokas." in page
        assert "Inställd av Uma Utveckling" in page and ">inställd</span>" in page
        assert 'class="status-steps"' not in page


def test_cancelling_without_a_reason_shows_the_error_and_changes_nothing(world, client_for):
    dialogue = plan(world)
    response = _cancel(client_for("bestallare"), dialogue, reason="   ")
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PLANERAD


@pytest.mark.parametrize("persona,status", [("staff_a1", 403), ("staff_a2", 404), ("outsider", 404)])
def test_only_the_team_cancels(world, client_for, persona, status):
    dialogue = plan(world)
    assert _cancel(client_for(persona), dialogue).status_code == status
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.PLANERAD


def test_a_held_dialogue_cannot_be_cancelled_through_the_page(world, client_for):
    dialogue = held(world)
    response = _cancel(client_for("bestallare"), dialogue)
    assert response.status_code == 409 and "inte har genomförts" in response.content.decode()
    dialogue.refresh_from_db()
    assert dialogue.status == DialogueStatus.GENOMFORD
    page = client_for("bestallare").get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    assert reverse("dialogs:dialogue_cancel", args=[dialogue.pk]) not in page


def test_cancelled_dialogues_leave_the_upcoming_lists_but_the_status_filter_finds_them(world, client_for):
    from dialogs.selectors.dialogue import upcoming_dialogues_for_user

    kept = plan(world, day=TODAY() + datetime.timedelta(days=3))
    cancelled = plan(world, clinic=world.clinic_a2, day=TODAY() + datetime.timedelta(days=5))
    services.dialogue_cancel(dialogue=cancelled, user=world.user("bestallare"), reason="Sammanslagning")
    assert upcoming_dialogues_for_user(world.user("bestallare"), 5) == [kept]
    assert client_for("bestallare").get(reverse("home")).context["upcoming_dialogues"] == [kept]
    client = client_for("admin")
    url = reverse("dialogs:dialogue_list")
    assert list(client.get(url).context["page"].object_list) == [kept]
    response = client.get(url + "?status=installd")
    assert list(response.context["page"].object_list) == [cancelled]
    assert '<option value="installd" selected>inställd</option>' in response.content.decode()
    clinics = {clinic.name: clinic for clinic in client.get(reverse("dialogs:dialogue_clinics")).context["clinics"]}
    assert clinics["Vårdcentral A2"].next_dialogue_date is None and clinics["Vårdcentral A2"].dialogue_count == 0


def test_a_cancelled_dialogues_invitation_cancels_the_calendar_event(world, client_for):
    import icalendar

    dialogue = plan(world)
    services.dialogue_cancel(dialogue=dialogue, user=world.user("bestallare"), reason="Inställd")
    response = client_for("staff_a1").get(reverse("dialogs:dialogue_ics", args=[dialogue.pk]))
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and str(event["UID"]) == f"dialogue-{dialogue.pk}@127.0.0.1:8000"
    assert str(event["SUMMARY"]).startswith("Inställd: ")


def test_the_planner_deletes_a_dialogue_planned_by_mistake_after_confirming(world, client_for):
    dialogue = plan(world)
    url = reverse("dialogs:dialogue_delete", args=[dialogue.pk])
    client = client_for("bestallare")
    assert url in client.get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Ja, ta bort dialogen" in confirm.content.decode()
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:dialogue_list")
    assert not Dialogue.objects.filter(pk=dialogue.pk).exists()


def test_an_administrator_may_delete_any_dialogue_of_the_region(world, client_for):
    dialogue = plan(world, user=world.user("utveckling"))
    assert client_for("admin").post(reverse("dialogs:dialogue_delete", args=[dialogue.pk])).status_code == 302
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize(
    "persona,status", [("utveckling", 403), ("staff_a1", 403), ("staff_a2", 404), ("outsider", 404)]
)
def test_nobody_else_deletes_and_the_rest_of_the_team_is_not_offered_it(world, client_for, persona, status):
    dialogue = plan(world)
    assert client_for(persona).post(reverse("dialogs:dialogue_delete", args=[dialogue.pk])).status_code == status
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()
    if status == 403:
        page = client_for(persona).get(reverse("dialogs:dialogue_detail", args=[dialogue.pk])).content.decode()
        assert reverse("dialogs:dialogue_delete", args=[dialogue.pk]) not in page


def test_a_planner_who_left_the_follow_up_team_no_longer_deletes(world, client_for):
    from organisations.models import Membership, Role

    dialogue = plan(world)
    Membership.objects.filter(user=world.user("bestallare")).update(role=Role.VARDCENTRAL, clinic=world.clinic_a1, party="vardcentral")
    assert client_for("bestallare").post(reverse("dialogs:dialogue_delete", args=[dialogue.pk])).status_code == 403
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()


def test_deleting_a_dialogue_with_a_preparation_is_refused_with_the_reason(world, client_for):
    dialogue = plan(world)
    client = client_for("staff_a1")
    client.post(reverse("dialogs:preparation_update", args=[dialogue.pk, "vardcentral"]), _preparation_post(dialogue, "p1", "p4"))
    assert Preparation.objects.filter(dialogue=dialogue).exists()
    response = client_for("bestallare").post(reverse("dialogs:dialogue_delete", args=[dialogue.pk]))
    assert response.status_code == 409
    assert "något redan är skrivet" in response.content.decode() and "Ja, ta bort" not in response.content.decode()
    assert Dialogue.objects.filter(pk=dialogue.pk).exists()


def test_a_tampered_participant_count_is_refused_without_drawing_a_thousand_rows(world, client_for):
    response = client_for("bestallare").post(
        reverse("dialogs:dialogue_create"), _planning_post(world, **{"deltagare-TOTAL_FORMS": "99999999999999999999"})
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "Skicka som mest 30 formulär." in page or "högst 30" in page
    assert page.count('name="deltagare-') < 31 * 6  # the rows of at most 30 participants, never 1,000
    assert not Dialogue.objects.exists()


def test_a_status_change_that_is_not_valid_says_why_nothing_changed(world, client_for):
    dialogue = held(world, status=DialogueStatus.ATERKOPPLING_DELAD)
    url = reverse("dialogs:dialogue_transition", args=[dialogue.pk])
    for data in ({"status": "avslutad", "note": "x" * 501}, {"status": "okand"}):
        page = client_for("utveckling").post(url, data, follow=True).content.decode()
        assert "Statusen är inte ändrad:" in page
    assert Dialogue.objects.get(pk=dialogue.pk).status == DialogueStatus.ATERKOPPLING_DELAD
