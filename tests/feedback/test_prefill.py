"""The deck's prefill (issue 10, §6): typed numbers are the writer's words and arrive whole; "Tips på länkar"
starts with the links SKR's method gives."""

from feedback import services
from feedback.sections import IMPROVEMENT_LINK_TIPS
from tests.dialogs.dialogue_factories import held, write_answer


def test_numbered_lines_arrive_whole_and_typed_bullets_go(world):
    assert services.text_lines("1) Fast läkarkontakt för äldre\n2. Telefontider\n- Öppet klimat\n•  Avvikelser") == [
        "1) Fast läkarkontakt för äldre",
        "2. Telefontider",
        "Öppet klimat",
        "Avvikelser",
    ]
    dialogue = held(world)
    write_answer(dialogue, "sammanfattning-q02", "1) Fast läkarkontakt för multisjuka\n2) Kortare telefonkö")
    report = services.feedback_create(dialogue=dialogue, user=world.user("bestallare"))
    assert report.sections.get(key="improvements").items == ["1) Fast läkarkontakt för multisjuka", "2) Kortare telefonkö"]


def test_tips_on_links_are_prefilled_with_the_methods_links(world):
    report = services.feedback_create(dialogue=held(world), user=world.user("bestallare"))
    links = report.sections.get(key="improvement_links").links
    assert [link["url"] for link in links] == [url for _label, url in IMPROVEMENT_LINK_TIPS]
    assert any("Bilaga-3-Mall-for-dokumentation" in link["url"] for link in links)
    assert all(link["label"] for link in links)
