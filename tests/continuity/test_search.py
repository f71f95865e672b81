"""Search across dialogues (issue 13, item 5): answers, agreements and their comments, the deck's text and the
clinic's comments, scoped by the same rules as the pages – clinic staff find only their own clinic's shared text
and never a case – with filters by clinic, period, 5P area and status, in a fixed number of queries. On PostgreSQL
with Swedish full-text search through GIN indexes; on SQLite every word as a substring."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from continuity.selectors.search import SearchFilters, search
from dialogs.services.agreements import agreement_status_set
from dialogs.services.cases import case_note_add
from feedback import services as feedback_services
from feedback.models import FeedbackSection
from tests.continuity.factories import agreement, case, held_today, last_year, next_dialogue
from tests.dialogs.dialogue_factories import write_answer

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")


def _kinds(groups) -> dict[str, list[str]]:
    return {group.kind: [hit.text for hit in group.hits] for group in groups}


def _find(world, persona: str, text: str, **filters) -> dict[str, list[str]]:
    return _kinds(search(user=world.user(persona), region=world.region_a, filters=SearchFilters(text=text, **filters)))


@pytest.fixture
def region_a_story(world):
    previous = last_year(world)
    made = agreement(world, previous, "Kontinuitet: fast läkarkontakt för multisjuka")
    agreement_status_set(agreement=made, user=world.user("staff_a1"), status="pagar", comment="Kontinuitet mäts nu varje månad")
    write_answer(previous, "p4-organisation-q01", "Lokalerna är trånga", world.user("bestallare"))
    other = last_year(world, clinic=world.clinic_a2)
    write_answer(other, "p1-q03", "Kontinuitet saknas helt på A2", world.user("bestallare"))
    opened = case(world, previous, reason="Kontinuitet i journalföringen brister allvarligt")
    case_note_add(case=opened, user=world.user("bestallare"), text="Kontinuitet diskuterad med MAS")
    dialogue = held_today(world, next_dialogue(world))
    report = feedback_services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    FeedbackSection.objects.filter(report=report, key="strengths").update(items=["Kontinuitet i sjuksköterskeledet"])
    version = feedback_services.feedback_share(report=report, user=world.user("bestallare"))
    feedback_services.feedback_comment_add(version=version, user=world.user("staff_a1"), section_key="strengths", text="Kontinuitet är vårt mål")
    FeedbackSection.objects.filter(report=report, key="strengths").update(items=["Kontinuitet i utkastet som aldrig delades"])
    return previous


def test_the_team_finds_every_kind_of_text(world, region_a_story):
    found = _find(world, "bestallare", "kontinuitet")
    assert "Kontinuitet saknas helt på A2" in found["answer"]
    assert "Läkarna har gått ner i tid; sjuksköterskorna bär kontinuiteten." in found["answer"]
    assert found["agreement"] == ["Kontinuitet: fast läkarkontakt för multisjuka"]
    assert found["agreement_comment"] == ["Kontinuitet mäts nu varje månad"]
    assert any("aldrig delades" in text for text in found["deck"])  # the team searches its draft
    assert found["comment"] == ["Kontinuitet är vårt mål"]
    assert sorted(found["case"]) == ["Kontinuitet diskuterad med MAS", "Kontinuitet i journalföringen brister allvarligt"]


def test_clinic_staff_find_their_own_shared_text_and_never_a_case(world, region_a_story):
    found = _find(world, "staff_a1", "kontinuitet")
    assert "case" not in found
    assert all("A2" not in text for texts in found.values() for text in texts)
    assert any("sjuksköterskeledet" in text for text in found["deck"])  # as shared
    assert not any("aldrig delades" in text for text in found["deck"])  # never the draft
    assert found["comment"] == ["Kontinuitet är vårt mål"]
    assert _find(world, "staff_a1", "journalföringen") == {}
    assert _find(world, "staff_a1", "MAS") == {}


def test_nothing_from_an_unshared_dialogue_reaches_the_clinic(world):
    hidden = last_year(world, shared=False)
    agreement(world, hidden, "Hemlig plan för lokalerna")
    assert _find(world, "staff_a1", "lokalerna") == {}
    assert _find(world, "bestallare", "lokalerna")["agreement"] == ["Hemlig plan för lokalerna"]


def test_other_regions_find_nothing(world, region_a_story):
    groups = search(user=world.user("outsider"), region=world.region_b, filters=SearchFilters(text="kontinuitet"))
    assert groups == []


def test_filters_by_clinic_period_area_and_status(world, region_a_story):
    assert set(_find(world, "admin", "kontinuitet", clinic_id=world.clinic_a2.pk)) == {"answer"}
    today = datetime.date.today()
    recent = _find(world, "admin", "kontinuitet", date_from=today - datetime.timedelta(days=30))
    assert "agreement" not in recent and recent["deck"]  # last year's dialogue is outside the period
    by_area = _find(world, "admin", "kontinuitet", area="p1")
    assert set(by_area) <= {"answer", "agreement", "agreement_comment"} and by_area["agreement"]
    assert "Lokalerna är trånga" in _find(world, "admin", "lokalerna", area="p4")["answer"]
    assert _find(world, "admin", "lokalerna", area="p1") == {}
    assert set(_find(world, "admin", "kontinuitet", status="pagar")) == {"agreement", "agreement_comment"}
    assert _find(world, "admin", "kontinuitet", status="klar") == {}


def test_the_search_runs_a_fixed_number_of_queries(world, region_a_story, client_for, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        groups = search(user=world.user("admin"), region=world.region_a, filters=SearchFilters(text="kontinuitet"))
    assert {hit.dialogue.clinic.name for group in groups for hit in group.hits}  # clinics read with the hits
    client = client_for("admin")
    url = reverse("continuity:search")
    client.get(url, {"q": "lokalerna"})
    with django_assert_max_num_queries(17) as few:
        client.get(url, {"q": "lokalerna"})  # one hit, in a sub-section (P4 › Organisation och ledning)
    for number in range(4):
        write_answer(last_year(world, days_ago=500 + number), "p4-organisation-q01", f"Lokalerna {number}", world.user("admin"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "lokalerna"})
    assert response.content.decode().count('class="search-hit"') == 5


def test_the_search_page_marks_the_words_found(world, region_a_story, client_for):
    page = client_for("staff_a1").get(reverse("continuity:search"), {"q": "mål"}).content.decode()
    assert "<mark>mål</mark>" in page
    page = client_for("staff_a1").get(reverse("continuity:search"), {"q": "zzzqqq"}).content.decode()
    assert 'data-testid="no-hits"' in page


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "a" * 300, "\x00", "läkare -"])
def test_odd_queries_answer_a_page_not_an_error(world, region_a_story, client_for, query):
    response = client_for("admin").get(reverse("continuity:search"), {"q": query, "fran": "2099-01-01", "till": "2000-01-01"})
    assert response.status_code == 200


@postgresql_only
def test_swedish_word_forms_find_each_other(world):
    previous = last_year(world)
    write_answer(previous, "p1-q03", "Läkarna vill ha mer tid med patienterna", world.user("bestallare"))
    assert "Läkarna vill ha mer tid med patienterna" in _find(world, "bestallare", "läkare patient")["answer"]


@postgresql_only
def test_the_queries_use_the_gin_indexes(world, region_a_story):
    """The search's expressions are the indexes' expressions: with sequential scans off, every kind's plan names
    its index."""
    from continuity.selectors import search as module

    filters = SearchFilters(text="kontinuitet")
    querysets = {
        "search_answer_vector": module._matching(module.Answer.objects.all(), module.F("text"), filters, vector=module.AnswerVector()),
        "search_agreement_text": module._matching(module.Agreement.objects.all(), module.F("text"), filters),
        "search_agreementchange_comment": module._matching(module.AgreementChange.objects.all(), module.F("comment"), filters),
        "search_feedbacksection_items": module._matching(module.FeedbackSection.objects.all(), module.F("items"), filters),
        "search_sharedversion_items": module._matching(module.SharedVersion.objects.all(), module.DeckPoints(module.F("snapshot")), filters),
        "search_cliniccomment_text": module._matching(module.ClinicComment.objects.all(), module.F("text"), filters),
        "search_case_reason": module._matching(module.Case.objects.all(), module.F("reason"), filters),
        "search_caseentry_text": module._matching(module.CaseEntry.objects.all(), module.F("text"), filters),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for index, queryset in querysets.items():
            assert index in queryset.explain(), index


# --- Pages of hits and a search without hits ----------------------------------------------------------------------


def _answers_about_lokaler(world, count: int):
    from dialogs.models.answers import Answer

    dialogue = last_year(world, clinic=world.clinic_a2)
    questions = list(dialogue.guide_version.questions.exclude(key__startswith="sammanfattning").order_by("pk"))
    user = world.user("admin")
    for number in range(count):
        question = questions[number % len(questions)]
        if number >= len(questions):
            dialogue = last_year(world, clinic=world.clinic_a2, days_ago=400 + number)
        Answer.objects.update_or_create(
            dialogue=dialogue, question=question, defaults={"text": f"Lokalerna nummer {number}", "revision": 1, "updated_by": user}
        )


def test_a_long_result_list_is_paged_with_the_filters_kept(world, client_for):
    from continuity.selectors.search import LIMIT

    _answers_about_lokaler(world, LIMIT + 5)
    client = client_for("admin")
    url = reverse("continuity:search")
    query = {"q": "lokalerna", "vardcentral": world.clinic_a2.pk, "fran": "2000-01-01"}
    first = client.get(url, query).content.decode()
    assert first.count('class="search-hit"') == LIMIT
    assert 'data-testid="search-pages"' in first and 'aria-current="page"' in first
    nav = first.split('data-testid="search-pages"')[1].split("</nav>")[0]
    assert "sida=2" in nav and f"vardcentral={world.clinic_a2.pk}" in nav and "fran=2000-01-01" in nav and "q=lokalerna" in nav
    assert "Föregående sida" not in nav
    second = client.get(url, {**query, "sida": "2"}).content.decode()
    assert second.count('class="search-hit"') == 5
    nav = second.split('data-testid="search-pages"')[1].split("</nav>")[0]
    assert "Föregående sida" in nav and "Nästa sida" not in nav
    first_hits = {line for line in first.splitlines() if "search-snippet" in line}
    second_hits = {line for line in second.splitlines() if "search-snippet" in line}
    assert first_hits and second_hits and not first_hits & second_hits  # no hit on both pages


@postgresql_only
def test_a_broad_search_looks_among_the_newest_answers_first_and_finds_the_same_pages(world, monkeypatch):
    """Over a scope of many dialogues the answers' search first walks the newest answers; a page found there is
    the page the index finds, and a word found too seldom there (or a page further on) is left to the index."""
    from django.test.utils import CaptureQueriesContext

    from continuity.selectors import search as module

    _answers_about_lokaler(world, module.LIMIT + 5)
    write_answer(last_year(world, days_ago=900), "p1-q03", "Encefalit nämndes en gång", world.user("bestallare"))
    _answers_about_lokaler(world, module.LIMIT + 5)  # the rare answer is older than the window below

    def pages(word: str) -> list[list[str]]:
        return [_find(world, "admin", word, page=page).get("answer", []) for page in (1, 2)]

    by_index = {word: pages(word) for word in ("lokalerna", "encefalit")}
    # A window of the newest answers that holds the first page and one more match, but not the second page.
    newest = list(module.Answer.objects.filter(text__startswith="Lokalerna").order_by("-pk").values_list("pk", flat=True))
    monkeypatch.setattr(module, "BROAD_SCOPE_DIALOGUES", 1)
    monkeypatch.setattr(module, "PROBE_ROWS", module.Answer.objects.filter(pk__gte=newest[module.LIMIT]).count())
    with CaptureQueriesContext(connection) as first_page:
        _find(world, "admin", "lokalerna")
    assert not any('+ 0) AS "newest"' in query["sql"] for query in first_page.captured_queries)  # the window held it
    assert {word: pages(word) for word in ("lokalerna", "encefalit")} == by_index
    assert len(by_index["lokalerna"][0]) == module.LIMIT and by_index["encefalit"][0] == ["Encefalit nämndes en gång"]


@pytest.mark.parametrize("page", ["0", "-1", "x", "9" * 40, "2.5", "٣"])
def test_a_nonsense_page_number_shows_the_first_page(world, client_for, page):
    _answers_about_lokaler(world, 3)
    response = client_for("admin").get(reverse("continuity:search"), {"q": "lokalerna", "sida": page})
    assert response.status_code == 200 and response.content.decode().count('class="search-hit"') == 3


def test_a_page_past_the_last_says_so_and_leads_back(world, client_for):
    _answers_about_lokaler(world, 3)
    page = client_for("admin").get(reverse("continuity:search"), {"q": "lokalerna", "sida": "4"}).content.decode()
    assert 'data-testid="no-hits"' in page and "sida 4" in page and "Till första sidan" in page


def test_a_search_without_hits_says_so_with_a_hint_and_a_way_without_the_filters(world, region_a_story, client_for):
    client = client_for("admin")
    page = client.get(reverse("continuity:search"), {"q": "zzzqqq"}).content.decode()
    assert "Inga träffar för ”zzzqqq”" in page and 'data-testid="search-without-filters"' not in page
    page = client.get(reverse("continuity:search"), {"q": "lokalerna", "omrade": "p1"}).content.decode()
    assert 'data-testid="no-hits"' in page
    assert reverse("continuity:search") + "?q=lokalerna" in page.split('data-testid="no-hits"')[1]
