"""Carried forward (issue 13, item 2): planning the next dialogue brings the clinic's open agreements, its
participants to confirm and last dialogue's focus areas; each party's preparation shows the agreements it owns; on
the day each question shows last dialogue's answer (collapsed, dated) and each 5P screen its agreements; the
indicators that changed most come first in "Titta på data gemensamt"; the next dialogue's page shows what it
carries (cases to the team only)."""

import datetime

from django.urls import reverse

from dialogs.models.dialogue import ClinicParticipant
from dialogs.selectors.continuity import onsite_continuity, planning_continuity
from dialogs.services.dialogue import ParticipantData, dialogue_update
from indicators.selectors.changes import indicator_changes
from organisations.models import Party
from tests.continuity.factories import agreement, last_year, next_dialogue
from tests.indicators.factories import add_proportions, make_batch, make_indicator


def _with_participants(world, dialogue):
    ClinicParticipant.objects.create(dialogue=dialogue, name="Eva Ek", role="verksamhetschef", email="eva@example.org")
    ClinicParticipant.objects.create(dialogue=dialogue, name="Per Al", role="medicinskt_ansvarig_lakare", position=1)


def test_planning_brings_open_agreements_participants_and_focus_areas(world, client_for):
    previous = last_year(world, focus=("p1", "p4"))
    _with_participants(world, previous)
    agreement(world, previous, "Fast läkarkontakt för multisjuka äldre")
    done = agreement(world, previous, "Ny telefonlösning")
    from dialogs.services.agreements import agreement_status_set

    agreement_status_set(agreement=done, user=world.user("staff_a1"), status="klar")
    page = client_for("bestallare").get(reverse("dialogs:dialogue_create") + f"?vardcentral={world.clinic_a1.pk}").content.decode()
    assert 'data-testid="planning-continuity"' in page
    assert "Fast läkarkontakt för multisjuka äldre" in page and "Ny telefonlösning" not in page  # open ones only
    assert 'value="Eva Ek"' in page and 'value="eva@example.org"' in page and 'value="Per Al"' in page
    assert "P1: Personal (Persons)" in page and "kontrollera" in page


def test_planning_for_another_regions_clinic_brings_nothing(world, client_for):
    page = client_for("bestallare").get(reverse("dialogs:dialogue_create") + f"?vardcentral={world.clinic_b1.pk}").content.decode()
    assert 'data-testid="planning-continuity"' not in page
    for value in ("abc", "-1", "99999999999999999999"):
        assert client_for("bestallare").get(reverse("dialogs:dialogue_create") + f"?vardcentral={value}").status_code == 200


def test_planning_continuity_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for number in range(3):
        previous = last_year(world, days_ago=365 * (number + 1))
        _with_participants(world, previous)
        for count in range(4):
            agreement(world, previous, f"Överenskommelse {number}-{count}")
    with django_assert_max_num_queries(7):
        continuity = planning_continuity(world.clinic_a1.pk)
    assert len(continuity.open_agreements) == 12 and len(continuity.participants) == 2


def test_each_partys_preparation_shows_the_agreements_it_owns(world, client_for):
    previous = last_year(world)
    agreement(world, previous, "Vårdcentralen listar multisjuka", owner=Party.VARDCENTRAL)
    agreement(world, previous, "Beställaren ser över ersättningen", owner=Party.BESTALLARE)
    upcoming = next_dialogue(world)
    clinic_page = client_for("staff_a1").get(reverse("dialogs:preparation_update", args=[upcoming.pk, "vardcentral"])).content.decode()
    assert "Vårdcentralen listar multisjuka" in clinic_page and "Beställaren ser över ersättningen" not in clinic_page
    team_page = client_for("bestallare").get(reverse("dialogs:preparation_update", args=[upcoming.pk, "bestallare"])).content.decode()
    assert "Beställaren ser över ersättningen" in team_page and "Vårdcentralen listar multisjuka" not in team_page


def test_on_the_day_each_question_shows_last_dialogues_answer_and_its_area_agreements(world, client_for):
    previous = last_year(world)
    agreement(world, previous, "Rekrytera en distriktsläkare", area="p1")
    agreement(world, previous, "Se över lokalerna", area="p4")
    upcoming = next_dialogue(world)
    page = client_for("bestallare").get(reverse("dialogs:onsite_section", args=[upcoming.pk, "p1"])).content.decode()
    assert 'data-testid="previous-answer"' in page and "sjuksköterskorna bär kontinuiteten" in page
    assert previous.date.strftime("%Y") in page
    assert "Rekrytera en distriktsläkare" in page and "Se över lokalerna" not in page
    page = client_for("bestallare").get(reverse("dialogs:onsite_section", args=[upcoming.pk, "p4"])).content.decode()
    assert "Se över lokalerna" in page and 'data-testid="previous-answer"' not in page


def test_the_clinic_sees_last_dialogues_answers_only_if_they_were_shared_with_it(world, client_for):
    from dialogs.services.dialogue import dialogue_share_documentation
    from tests.continuity.factories import held_today

    last_year(world, shared=False)
    upcoming = held_today(world, next_dialogue(world))
    dialogue_share_documentation(dialogue=upcoming, user=world.user("bestallare"))
    page = client_for("staff_a1").get(reverse("dialogs:onsite_section", args=[upcoming.pk, "p1"])).content.decode()
    assert "sjuksköterskorna bär kontinuiteten" not in page


def test_onsite_continuity_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    previous = last_year(world, days_ago=1000)
    for count in range(6):
        agreement(world, previous, f"Överenskommelse {count}", area="p1" if count % 2 else "p4")
    upcoming = next_dialogue(world)
    questions = list(upcoming.guide_version.questions.all())
    with django_assert_max_num_queries(6):
        continuity = onsite_continuity(upcoming, questions=questions, data_review=True, for_team=True)
    assert len(continuity.agreements_by_area["p1"]) == 3 and "p1-q01" in continuity.answers


def test_the_indicators_that_changed_most_come_first(world):
    batch = make_batch(world.region_a)
    steady = make_indicator("Stadig")
    jump = make_indicator("Tydligt bättre")
    worse = make_indicator("Sämre men osäkert", polarity="higher_better")
    add_proportions(steady, batch, [(500, 1000), (501, 1000), (502, 1000)], first_year=2022, clinic=world.clinic_a1)
    add_proportions(jump, batch, [(300, 1000), (310, 1000), (450, 1000)], first_year=2022, clinic=world.clinic_a1)
    add_proportions(worse, batch, [(12, 20), (12, 20), (9, 20)], first_year=2022, clinic=world.clinic_a1)
    changes = indicator_changes(world.clinic_a1, since=datetime.date(2024, 1, 15))
    assert [change.indicator.name for change in changes] == ["Tydligt bättre", "Sämre men osäkert", "Stadig"]
    assert changes[0].is_clear and changes[0].direction == "better"
    assert not changes[1].is_clear and changes[1].direction == "worse"


def test_titta_pa_data_gemensamt_lists_the_changes_since_last_dialogue(world, client_for):
    from dialogs.models.dialogue import Dialogue
    from dialogs.services.dialogue import dialogue_plan, dialogue_transition
    from tests.dialogs.dialogue_factories import team_of_a
    from tests.dialogs.onsite_factories import skr_version_of_region_a

    version = skr_version_of_region_a(world)
    user = world.user("bestallare")
    plan = dict(region=world.region_a, clinic=world.clinic_a1, guide_version=version, start_time=datetime.time(9, 0), place="",
                include_lifestyle_module=False, show_followups=True, team=team_of_a(world), participants=[], user=user)
    previous = dialogue_plan(date=datetime.date.today(), **plan)
    Dialogue.objects.filter(pk=previous.pk).update(date=datetime.date(2024, 1, 15))
    previous.refresh_from_db()
    dialogue_transition(dialogue=previous, to_status="genomford", user=user)
    upcoming = dialogue_plan(date=datetime.date.today(), **plan)
    indicator = make_indicator("Andel med fast läkare")
    add_proportions(indicator, make_batch(world.region_a), [(300, 1000), (310, 1000), (450, 1000)], first_year=2022, clinic=world.clinic_a1)
    page = client_for("bestallare").get(reverse("dialogs:onsite_section", args=[upcoming.pk, "p4"])).content.decode()
    assert 'data-testid="indicator-changes"' in page
    assert "Andel med fast läkare" in page and "tydligt bättre" in page


def test_the_next_dialogues_page_shows_the_agreements_it_carries(world, client_for):
    previous = last_year(world)
    agreement(world, previous, "Rekrytera en distriktsläkare")
    upcoming = next_dialogue(world)
    for persona in ("bestallare", "staff_a1"):
        page = client_for(persona).get(reverse("dialogs:dialogue_detail", args=[upcoming.pk])).content.decode()
        assert 'data-testid="carried-agreements"' in page and "Rekrytera en distriktsläkare" in page


def test_confirmed_participants_are_saved_with_the_new_dialogue(world):
    previous = last_year(world)
    _with_participants(world, previous)
    continuity = planning_continuity(world.clinic_a1.pk)
    upcoming = next_dialogue(world)
    dialogue_update(
        dialogue=upcoming, date=upcoming.date, start_time=upcoming.start_time, place="", include_lifestyle_module=False,
        show_followups=True, team=[], participants=[ParticipantData(name=p.name, role=p.role) for p in continuity.participants],
        user=world.user("bestallare"),
    )
    assert list(upcoming.clinic_participants.values_list("name", flat=True)) == ["Eva Ek", "Per Al"]


def _grow_history(world, count: int):
    for number in range(count):
        previous = last_year(world, days_ago=400 + 365 * number)
        _with_participants(world, previous)
        for made in range(3):
            agreement(world, previous, f"Överenskommelse {number}-{made}", area="p1")


def test_planning_and_the_on_site_page_keep_their_query_counts_however_long_the_history(world, client_for, django_assert_max_num_queries):
    _grow_history(world, 1)
    upcoming = next_dialogue(world)
    client = client_for("bestallare")
    pages = [
        reverse("dialogs:dialogue_create") + f"?vardcentral={world.clinic_a1.pk}",
        reverse("dialogs:onsite_section", args=[upcoming.pk, "p1"]),
        reverse("dialogs:dialogue_detail", args=[upcoming.pk]),
    ]
    counts = []
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    _grow_history(world, 3)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
