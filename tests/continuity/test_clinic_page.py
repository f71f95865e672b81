"""The clinic's page (issue 13, item 4): its dialogues newest first, the agreements of each with their status over
time, the open ones on top, fördjupad uppföljning for the team only, and its indicator trends – in a fixed number of
queries however long the clinic's story."""

from django.urls import reverse

from dialogs.services.agreements import agreement_status_set
from tests.continuity.factories import agreement, case, last_year, next_dialogue
from tests.feedback.factories import indicators_with_data
from tests.indicators.factories import add_proportions, make_batch, make_indicator


def _story(world):
    older = last_year(world, days_ago=730)
    first = agreement(world, older, "Rekrytera en distriktsläkare")
    agreement_status_set(agreement=first, user=world.user("staff_a1"), status="pagar", comment="Annons ute.")
    agreement_status_set(agreement=first, user=world.user("bestallare"), status="klar")
    previous = last_year(world)
    agreement(world, previous, "Telefontider på förmiddagen")
    case(world, previous)
    next_dialogue(world)
    indicators_with_data(world)
    return older, previous


def test_a_new_team_member_reads_the_clinics_story(world, client_for):
    older, previous = _story(world)
    page = client_for("utveckling").get(reverse("continuity:clinic", args=[world.clinic_a1.pk])).content.decode()
    assert page.index(previous.date.strftime("%Y")) < page.rindex(older.date.strftime("%Y"))  # newest first
    assert 'data-testid="open-agreements"' in page and "Telefontider på förmiddagen" in page
    history = page.split("Rekrytera en distriktsläkare", 2)[-1]
    assert history.index("planerad") < history.index("pågår") < history.index("klar")  # status over time
    assert 'data-testid="story-cases"' in page and "läkemedelshanteringen" not in page  # the case by category, with a link
    assert reverse("dialogs:case_detail", args=[previous.cases.get().pk]) in page
    assert 'data-testid="story-indicators"' in page and "Indikator 1" in page


def test_clinic_staff_read_their_story_without_any_case(world, client_for):
    _older, previous = _story(world)
    page = client_for("staff_a1").get(reverse("continuity:clinic", args=[world.clinic_a1.pk])).content.decode()
    assert "Telefontider på förmiddagen" in page
    assert "ördjupad" not in page and "fordjupad-uppfoljning" not in page
    assert reverse("dialogs:dialogue_create") not in page  # no control that would only answer 403


def test_agreements_of_a_dialogue_not_shared_with_the_clinic_stay_with_the_team(world, client_for):
    hidden = last_year(world, shared=False)
    agreement(world, hidden, "Ännu inte delad")
    assert "Ännu inte delad" not in client_for("staff_a1").get(reverse("continuity:clinic", args=[world.clinic_a1.pk])).content.decode()
    assert "Ännu inte delad" in client_for("admin").get(reverse("continuity:clinic", args=[world.clinic_a1.pk])).content.decode()


def test_the_clinics_page_runs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    _story(world)
    client = client_for("bestallare")
    url = reverse("continuity:clinic", args=[world.clinic_a1.pk])
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    for number in range(3):
        dialogue = last_year(world, days_ago=1000 + 365 * number)
        for count in range(5):
            made = agreement(world, dialogue, f"Överenskommelse {number}-{count}")
            agreement_status_set(agreement=made, user=world.user("staff_a1"), status="pagar", comment="x")
        case(world, dialogue, reason=f"Skäl {number}")
    batch = make_batch(world.region_a)
    for number in range(3):
        add_proportions(make_indicator(f"Mer {number}"), batch, [(10, 100), (20, 100)], first_year=2023, clinic=world.clinic_a1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
