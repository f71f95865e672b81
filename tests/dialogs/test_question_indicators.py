"""The indicators beside a guide question (Question.indicators): the service that sets them on any version (the
one exception to the draft-only guard), who may set them, copying them into a new draft, leaving them out of
the exchange document, and showing them in the preview, the editor and the on-site form in a constant number
of queries."""

import pytest
from django.urls import reverse

from dialogs.exchange import document_from_tree
from dialogs.models import GuideVersionLocked, Question
from dialogs.selectors.guide import guide_version_tree
from dialogs.services import guide as services
from tests.dialogs.factories import import_draft, region_a_draft, region_a_published
from tests.dialogs.onsite_factories import answer_everything, onsite_dialogue, skr_version_of_region_a
from tests.dialogs.test_onsite_views import count_page_queries
from tests.indicators.factories import add_proportions, continuity_example, make_batch, make_indicator, make_source


@pytest.fixture
def library(world):
    """A shared indicator, one of region A's own, one of region B's own and an inactive shared one."""
    shared_source = make_source("Vården i siffror")
    own_source = make_source("Regionens egen uppföljning", region=world.region_a)
    return {
        "shared": make_indicator("Kontinuitet läkare", source=shared_source),
        "own": make_indicator("Telefonväntetid", source=own_source, region=world.region_a),
        "other": make_indicator("Region B:s mått", source=make_source("B-källa", region=world.region_b), region=world.region_b),
        "inactive": make_indicator("Gammalt mått", source=shared_source, active=False),
    }


def question_of(version, key="p1-q01") -> Question:
    return Question.objects.select_related("version__guide__region", "section").get(version=version, key=key)


def linked(question) -> set[str]:
    return set(question.indicators.values_list("name", flat=True))


def page_url(question) -> str:
    return reverse("dialogs:question_indicators", args=[question.pk])


# --- The service -----------------------------------------------------------------------------------------


def test_a_published_versions_links_change_while_every_other_edit_is_still_refused(world, library):
    question = question_of(region_a_published(world))
    services.question_indicators_set(question=question, indicators=[library["shared"], library["own"]])
    assert linked(question) == {"Kontinuitet läkare", "Telefonväntetid"}
    services.question_indicators_set(question=question, indicators=[library["own"]])
    assert linked(question) == {"Telefonväntetid"}
    with pytest.raises(GuideVersionLocked):
        services.question_update(question=question, text="Omformulerad", kind="text")
    with pytest.raises(GuideVersionLocked):
        services.question_delete(question=question)
    with pytest.raises(GuideVersionLocked):
        services.question_move(question=question, offset=1)
    question.refresh_from_db()
    assert question.text == "Vilka arbetar här?" and question.position == 0


def test_links_change_on_a_draft_too(world, library):
    question = question_of(region_a_draft(world))
    services.question_indicators_set(question=question, indicators=[library["shared"]])
    assert linked(question) == {"Kontinuitet läkare"}


def test_only_indicators_the_region_sees_can_be_linked(world, library):
    question = question_of(region_a_published(world))
    services.question_indicators_set(question=question, indicators=[library["shared"]])
    with pytest.raises(services.QuestionIndicatorsError):
        services.question_indicators_set(question=question, indicators=[library["own"], library["other"]])
    assert linked(question) == {"Kontinuitet läkare"}


def test_the_national_defaults_questions_are_not_changed(world, library):
    national, _created = services.guide_load_shipped()
    with pytest.raises(services.QuestionIndicatorsError):
        services.question_indicators_set(question=question_of(national), indicators=[library["shared"]])
    assert not Question.indicators.through.objects.exists()


def test_a_new_draft_copies_the_links_by_question_key_and_then_goes_its_own_way(world, library):
    published = region_a_published(world)
    services.question_indicators_set(question=question_of(published), indicators=[library["shared"], library["own"]])
    services.question_indicators_set(question=question_of(published, "p1-q03"), indicators=[library["shared"]])
    draft = services.guide_version_draft_start(source=published, user=world.user("admin"))
    assert linked(question_of(draft)) == {"Kontinuitet läkare", "Telefonväntetid"}
    assert linked(question_of(draft, "p1-q03")) == {"Kontinuitet läkare"}
    assert linked(question_of(draft, "p1-q02")) == set()
    services.question_indicators_set(question=question_of(draft), indicators=[])
    assert linked(question_of(published)) == {"Kontinuitet läkare", "Telefonväntetid"}


def test_links_are_not_part_of_the_exchange_document(world, library):
    published = region_a_published(world)
    before = document_from_tree(guide_version_tree(published)).to_json()
    services.question_indicators_set(question=question_of(published), indicators=[library["shared"]])
    exported = document_from_tree(guide_version_tree(published)).to_json()
    assert exported == before and "indicator" not in exported
    imported = services.guide_version_import(region=world.region_b, guide=None, content=exported.encode(), user=None)
    assert document_from_tree(guide_version_tree(imported)).to_json() == exported
    assert not Question.indicators.through.objects.filter(question__version=imported).exists()


def test_the_shipped_guide_still_loads_and_exports_identically(world):
    national, created = services.guide_load_shipped()
    assert created
    again, created_again = services.guide_load_shipped()
    assert again == national and not created_again
    exported = document_from_tree(guide_version_tree(national)).to_json()
    assert exported == services.SHIPPED_GUIDE_PATH.read_text(encoding="utf-8")


# --- The page: who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona, status", [("outsider", 404), ("staff_a1", 403), ("bestallare", 403), ("anonymous", 302)])
def test_only_the_regions_administrators_choose_the_indicators(client_for, world, library, persona, status):
    question = question_of(region_a_published(world))
    client = client_for(persona)
    assert client.get(page_url(question)).status_code == status
    assert client.post(page_url(question), {"indicators": [library["shared"].pk]}).status_code == status
    assert linked(question) == set()


def test_the_page_lists_the_regions_indicators_by_data_source(client_for, world, library):
    question = question_of(region_a_published(world))
    services.question_indicators_set(question=question, indicators=[library["own"]])
    page = client_for("admin").get(page_url(question)).content.decode()
    assert "<h1>Indikatorer till frågan</h1>" in page and "Vilka arbetar här?" in page
    assert '<legend class="h6">Regionens egen uppföljning</legend>' in page
    assert '<legend class="h6">Vården i siffror</legend>' in page
    assert "Kontinuitet läkare (IND-" in page and "Telefonväntetid (IND-" in page
    assert "Region B:s mått" not in page and "Gammalt mått" not in page
    checked = f'value="{library["own"].pk}" class="form-check-input" id='
    assert checked in page and "checked" in page.split(checked, 1)[1].split(">", 1)[0]


def test_an_inactive_indicator_already_linked_can_still_be_unlinked(client_for, world, library):
    question = question_of(region_a_published(world))
    services.question_indicators_set(question=question, indicators=[library["inactive"]])
    client = client_for("admin")
    assert "Gammalt mått" in client.get(page_url(question)).content.decode()
    client.post(page_url(question), {})
    assert linked(question) == set()


def test_saving_on_a_published_version_returns_to_the_question_on_the_versions_page(client_for, world, library):
    question = question_of(region_a_published(world))
    response = client_for("admin").post(page_url(question), {"indicators": [library["shared"].pk, library["own"].pk]})
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogs:version_detail", args=[question.version_id]) + "#q-p1-q01"
    assert linked(question) == {"Kontinuitet läkare", "Telefonväntetid"}


def test_saving_on_a_draft_returns_to_the_question_in_the_editor(client_for, world, library):
    question = question_of(region_a_draft(world))
    response = client_for("admin").post(page_url(question), {"indicators": [library["shared"].pk]})
    assert response["Location"] == reverse("dialogs:version_edit", args=[question.version_id]) + f"#question-{question.pk}"


def test_a_crafted_post_with_another_regions_indicator_saves_nothing(client_for, world, library):
    question = question_of(region_a_published(world))
    response = client_for("admin").post(page_url(question), {"indicators": [library["shared"].pk, library["other"].pk]})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert linked(question) == set()


def test_editing_the_question_itself_on_a_published_version_is_still_409(client_for, world):
    question = question_of(region_a_published(world))
    response = client_for("admin").post(reverse("dialogs:question_update", args=[question.pk]), {"text": "Ny text"})
    assert response.status_code == 409
    question.refresh_from_db()
    assert question.text == "Vilka arbetar här?"


# --- Where the links show --------------------------------------------------------------------------------


def test_the_preview_names_the_indicators_and_offers_the_page_to_administrators_only(client_for, world, library):
    published = region_a_published(world)
    services.question_indicators_set(question=question_of(published), indicators=[library["shared"], library["own"]])
    url = reverse("dialogs:version_detail", args=[published.pk])
    admin_page = client_for("admin").get(url).content.decode()
    assert 'Indikatorer:</span> <span lang="sv">Kontinuitet läkare, Telefonväntetid</span>' in admin_page
    assert page_url(question_of(published)) in admin_page and "Koppla indikatorer" in admin_page
    team_page = client_for("bestallare").get(url).content.decode()
    assert "Kontinuitet läkare, Telefonväntetid" in team_page and "Koppla indikatorer" not in team_page
    assert page_url(question_of(published)) not in team_page


def test_the_editor_names_the_indicators_and_links_the_page(client_for, world, library):
    draft = region_a_draft(world)
    services.question_indicators_set(question=question_of(draft), indicators=[library["shared"]])
    page = client_for("admin").get(reverse("dialogs:version_edit", args=[draft.pk])).content.decode()
    assert 'Indikatorer: <span lang="sv">Kontinuitet läkare</span>' in page and page_url(question_of(draft)) in page


def onsite_url(dialogue, key="p1"):
    return reverse("dialogs:onsite_section", args=[dialogue.pk, key])


def test_the_onsite_form_shows_the_clinics_values_beside_the_question(client_for, world):
    indicator = continuity_example(world)
    dialogue = onsite_dialogue(world)
    services.question_indicators_set(question=question_of(dialogue.guide_version), indicators=[indicator])
    page = client_for("utveckling").get(onsite_url(dialogue)).content.decode()
    article = page.split('id="fraga-p1-q01"', 1)[1].split("</article>", 1)[0]
    assert "Kontinuitet läkare" in article and "<strong>45,0\xa0%</strong>" in article
    assert "95 % KI 41,9–48,1\xa0%" in article and "Bättre än regionen" in article and "Bättre än riket" in article
    assert reverse("indicators:clinic_indicators", args=[world.clinic_a1.pk]) in article
    assert "question-indicators" not in page.split('id="fraga-p1-q02"', 1)[1].split("</article>", 1)[0]


def test_a_published_versions_new_links_show_in_dialogues_that_pinned_it(client_for, world):
    dialogue = onsite_dialogue(world)
    assert "question-indicators" not in client_for("bestallare").get(onsite_url(dialogue)).content.decode()
    indicator = continuity_example(world)
    services.question_indicators_set(question=question_of(dialogue.guide_version), indicators=[indicator])
    assert "Kontinuitet läkare" in client_for("bestallare").get(onsite_url(dialogue)).content.decode()


def test_an_indicator_without_values_for_the_clinic_says_so_and_an_inactive_one_is_left_out(client_for, world, library):
    dialogue = onsite_dialogue(world)
    services.question_indicators_set(question=question_of(dialogue.guide_version), indicators=[library["shared"], library["inactive"]])
    article = client_for("bestallare").get(onsite_url(dialogue)).content.decode().split('id="fraga-p1-q01"', 1)[1]
    article = article.split("</article>", 1)[0]
    assert "Kontinuitet läkare" in article and "inga värden för vårdcentralen" in article
    assert "Gammalt mått" not in article


def test_titta_pa_data_gemensamt_links_the_presentation_mode(client_for, world):
    dialogue = onsite_dialogue(world, version=skr_version_of_region_a(world))
    page = client_for("bestallare").get(onsite_url(dialogue, "p4")).content.decode()
    data_part = page.split('id="avsnitt-p4-data"', 1)[1].split('class="onsite-subsection"', 1)[0]
    assert reverse("indicators:clinic_presentation", args=[world.clinic_a1.pk]) in data_part
    assert "Visa vårdcentralens data i visningsläge" in data_part
    assert reverse("indicators:clinic_presentation", args=[world.clinic_a1.pk]) not in client_for("bestallare").get(
        onsite_url(dialogue, "p1")
    ).content.decode()


def link_every_question(version, indicators) -> int:
    questions = list(Question.objects.filter(version=version).select_related("version__guide__region"))
    for question in questions:
        services.question_indicators_set(question=question, indicators=indicators)
    return len(questions)


def test_the_onsite_page_with_linked_indicators_takes_a_constant_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    """A fully answered dialogue on the small guide with one question linked, and on the SKR guide (104 questions)
    with every question linked to two indicators with ten years of values: the same queries, at most 20."""
    continuity = continuity_example(world)
    review = make_indicator("Läkemedelsgenomgång 75+", source=continuity.source)
    add_proportions(review, make_batch(world.region_a), [(60 + i, 120) for i in range(10)], clinic=world.clinic_a1)
    small = onsite_dialogue(world)
    services.question_indicators_set(question=question_of(small.guide_version, "p4-organisation-q01"), indicators=[continuity])
    answer_everything(small, world.user("bestallare"))
    full = onsite_dialogue(world, version=skr_version_of_region_a(world), lifestyle=True)
    assert link_every_question(full.guide_version, [continuity, review]) == 104
    assert answer_everything(full, world.user("bestallare")) == 104
    client = client_for("utveckling")
    assert client.get(onsite_url(small, "p4")).content.decode().count('class="question-indicator"') == 1
    assert client.get(onsite_url(full, "p4")).content.decode().count('class="question-indicator"') > 60
    small_count = count_page_queries(client, onsite_url(small, "p4"), django_assert_max_num_queries)
    full_count = count_page_queries(client, onsite_url(full, "p4"), django_assert_max_num_queries)
    assert small_count == full_count
