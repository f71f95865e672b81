"""Issue 14: "Lärdomar för uppföljningsteamet" and "Lärdomar och medskick till Hälso- och sjukvårdsförvaltningen" are
now built from the dialogue's lessons and medskick. Points already typed into a draft's two sections become those
items (a medskick in the category "övrigt", raised by the team), so a deck shared again says what it said before and
nothing typed is lost; the sections' own points are then emptied (the deck no longer reads them). Versions already
shared keep their snapshots as they are."""

from django.db import migrations
from django.utils import timezone

TEXT_MAX = 2_000


def forwards(apps, schema_editor):
    FeedbackSection = apps.get_model("feedback", "FeedbackSection")
    Medskick = apps.get_model("dialogs", "Medskick")
    MedskickTag = apps.get_model("dialogs", "MedskickTag")
    TeamLesson = apps.get_model("dialogs", "TeamLesson")
    now = timezone.now()
    sections = FeedbackSection.objects.filter(key__in=["team_lessons", "administration_lessons"]).select_related("report")
    for section in sections.iterator():
        items = [str(item).strip()[:TEXT_MAX] for item in (section.items or []) if str(item).strip()]
        dialogue_id = section.report.dialogue_id
        for position, text in enumerate(items, start=1):
            common = {"dialogue_id": dialogue_id, "text": text, "position": position, "created_by_id": section.updated_by_id,
                      "created_at": now, "updated_by_id": section.updated_by_id, "updated_at": now}
            if section.key == "team_lessons":
                TeamLesson.objects.create(**common)
            else:
                medskick = Medskick.objects.create(raised_by="team", **common)
                MedskickTag.objects.create(medskick=medskick, category="ovrigt")
        if items:
            section.items = []
            section.save(update_fields=["items"])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("dialogs", "0009_medskick_lessons_evaluations"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
