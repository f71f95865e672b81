"""The demo's dialogues (dialogs/demo_dialogues.py): every status, one complete documentation, and an earlier
dialogue at demo-vc1's clinic that the new one follows up."""

from dialogs import demo as dialogs_demo
from dialogs.models.dialogue import Dialogue, DialogueStatus
from dialogs.selectors.dialogue import dialogue_continuity
from organisations import demo as organisations_demo


def test_demo_dialogues_cover_every_status_and_follow_up_the_earlier_one(db):
    organisations_demo.seed()
    dialogs_demo.seed()
    dialogues = Dialogue.objects.filter(clinic__region__name="Region Demo").select_related("clinic", "guide_version")
    assert {dialogue.status for dialogue in dialogues} == set(DialogueStatus.values)
    questions = dialogues[0].guide_version.questions.count()
    complete = [d for d in dialogues if d.answers.count() == questions and d.status == DialogueStatus.AVSLUTAD]
    assert complete and complete[0].is_documentation_shared

    björkdalen = sorted((d for d in dialogues if d.clinic.hsa_id.endswith("D001")), key=lambda d: d.date)
    assert [d.status for d in björkdalen] == [DialogueStatus.AVSLUTAD, DialogueStatus.FORBEREDELSE]
    continuity = dialogue_continuity(björkdalen[1], team=True)
    assert continuity.previous == björkdalen[0]
    assert "fast vårdkontakt" in continuity.work_on[0].text
    assert björkdalen[1].preparations.count() == 2

    count = dialogues.count()
    dialogs_demo.seed()
    assert Dialogue.objects.filter(clinic__region__name="Region Demo").count() == count


def test_demo_links_indicators_to_the_questions_they_inform_once(db):
    from dialogs.models import Question
    from dialogs.services.guide import question_indicators_set
    from indicators import content

    organisations_demo.seed()
    content.load()
    dialogs_demo.seed()
    links = Question.indicators.through.objects.filter(question__version__guide__region__name="Region Demo")
    codes = {key: set(links.filter(question__key=key).values_list("indicator__code", flat=True))
             for key in ("p4-kontinuitet-q02", "p3-q02", "p5-tillganglighet-q04", "p4-data-q06")}
    assert codes["p4-kontinuitet-q02"] == {"PVK-01"}
    assert codes["p3-q02"] == {"NPE-HELHET", "NPE-BEMOTANDE", "NPE-DELAKTIGHET"}
    assert codes["p5-tillganglighet-q04"] == {"VIV-KONTAKT-SAMMA-DAG", "N79179"}
    assert len(codes["p4-data-q06"]) == 3
    count = links.count()
    # An administrator's later choice stands: the demo does not link again.
    question = Question.objects.select_related("version__guide__region").get(
        version__guide__region__name="Region Demo", key="p4-kontinuitet-q02"
    )
    question_indicators_set(question=question, indicators=[])
    dialogs_demo.seed()
    assert links.count() == count - 1
