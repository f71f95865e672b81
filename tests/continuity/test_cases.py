"""Fördjupad uppföljning (issue 13, item 3): marked in the summary with a category and a reason, logged in the
case's history, followed through indikation → utredning → åtgärdsplan → avslutad with an owner, dated notes and
checked documents – and never seen by clinic staff, who get 404 for every page about a case."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dialogs.models.cases import CaseDocument, CaseEntryKind, CaseStatus
from dialogs.services import cases as services
from tests.continuity.factories import case, last_year

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_marking_an_indication_opens_a_case_and_logs_it(world):
    dialogue = last_year(world)
    opened = case(world, dialogue)
    assert opened.status == CaseStatus.INDIKATION and opened.clinic == world.clinic_a1 and opened.dialogue == dialogue
    assert opened.owner == world.user("bestallare")
    entry = opened.entries.get()
    assert entry.kind == CaseEntryKind.OPENED and "läkemedelshanteringen" in entry.text


def test_marking_the_same_indication_twice_opens_one_case(world):
    dialogue = last_year(world)
    assert case(world, dialogue).pk == case(world, dialogue).pk


def test_clinic_staff_cannot_open_or_touch_a_case(world):
    dialogue = last_year(world)
    with pytest.raises(PermissionDenied):
        services.case_open(dialogue=dialogue, user=world.user("staff_a1"), category="annat", reason="x")
    opened = case(world, dialogue)
    with pytest.raises(PermissionDenied):
        services.case_note_add(case=opened, user=world.user("staff_a1"), text="x")


def test_a_case_moves_through_its_statuses_and_closing_needs_a_note(world):
    opened = case(world)
    user = world.user("utveckling")
    services.case_transition(case=opened, user=user, status=CaseStatus.UTREDNING)
    services.case_transition(case=opened, user=user, status=CaseStatus.ATGARDSPLAN, note="Plan beslutad med verksamhetschefen.")
    with pytest.raises(ValidationError):
        services.case_transition(case=opened, user=user, status=CaseStatus.AVSLUTAD)
    closed = services.case_transition(case=opened, user=user, status=CaseStatus.AVSLUTAD, note="Åtgärderna är genomförda.")
    assert closed.status == CaseStatus.AVSLUTAD and closed.closed_at is not None
    with pytest.raises(services.CaseError):
        services.case_transition(case=closed, user=user, status=CaseStatus.INDIKATION)
    reopened = services.case_transition(case=closed, user=user, status=CaseStatus.UTREDNING)
    assert reopened.closed_at is None
    steps = [(entry.from_status, entry.to_status) for entry in opened.entries.filter(kind=CaseEntryKind.STATUS)]
    assert steps == [("indikation", "utredning"), ("utredning", "atgardsplan"), ("atgardsplan", "avslutad"), ("avslutad", "utredning")]


def test_the_owner_must_be_in_the_regions_follow_up_team(world):
    opened = case(world)
    with pytest.raises(ValidationError):
        services.case_owner_set(case=opened, user=world.user("admin"), owner=world.user("staff_a1"))
    with pytest.raises(ValidationError):
        services.case_owner_set(case=opened, user=world.user("admin"), owner=world.user("outsider"))
    services.case_owner_set(case=opened, user=world.user("admin"), owner=world.user("utveckling"))
    opened.refresh_from_db()
    assert opened.owner == world.user("utveckling")


def test_notes_are_dated_up_to_a_year_back_and_never_ahead(world):
    opened = case(world)
    today = timezone.localdate()
    note = services.case_note_add(case=opened, user=world.user("bestallare"), text="Samtal med MAS.", noted_on=today - datetime.timedelta(days=3))
    assert note.noted_on == today - datetime.timedelta(days=3)
    for day in (today + datetime.timedelta(days=1), today - datetime.timedelta(days=400)):
        with pytest.raises(ValidationError):
            services.case_note_add(case=opened, user=world.user("bestallare"), text="x", noted_on=day)


@pytest.mark.parametrize(
    ("name", "data"),
    [("rapport.pdf", PDF), ("beslut.docx", None), ("anteckning.txt", "Mötesanteckning: åtgärdsplan.".encode()),
     ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)],
)
def test_accepted_documents_are_kept_with_their_checked_type(world, name, data):
    opened = case(world)
    document = services.case_document_add(case=opened, user=world.user("bestallare"), name=name, data=data or _docx())
    stored = CaseDocument.objects.get(pk=document.pk)
    assert stored.name == name and stored.size == len(data or _docx())
    assert opened.entries.filter(kind=CaseEntryKind.DOCUMENT, text=name).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100, "innehållet"),  # a program renamed .pdf
        ("rapport.docx", PDF, "PDF"),  # a PDF renamed .docx
        ("virus.exe", b"MZ\x90\x00", "filtypen"),
        ("tom.pdf", b"", "tom"),
        ("arkiv.docx", b"PK\x03\x04 not really a zip", "innehållet"),
    ],
)
def test_documents_are_checked_by_content_not_by_name(world, name, data, message):
    opened = case(world)
    with pytest.raises(ValidationError) as error:
        services.case_document_add(case=opened, user=world.user("bestallare"), name=name, data=data)
    assert message in " ".join(error.value.message_dict["file"])
    assert not opened.documents.exists()


def test_a_document_over_the_size_limit_is_refused(world, settings):
    settings.CASE_DOCUMENT_MAX_BYTES = 1024 * 1024
    opened = case(world)
    with pytest.raises(ValidationError, match="1 MB"):
        services.case_document_add(case=opened, user=world.user("bestallare"), name="stor.pdf", data=PDF + b"0" * (1024 * 1024))


def test_a_folder_in_the_file_name_is_dropped(world):
    opened = case(world)
    document = services.case_document_add(case=opened, user=world.user("bestallare"), name="..\\..\\C:\\hemligt\\rapport.pdf", data=PDF)
    assert document.name == "rapport.pdf"


def test_a_dialogue_with_a_case_cannot_be_deleted_and_says_why(world):
    from dialogs.services.dialogue import dialogue_deletion_blocker
    from tests.dialogs.dialogue_factories import plan

    dialogue = plan(world)
    case(world, dialogue)
    assert "fördjupade uppföljningar" in dialogue_deletion_blocker(dialogue)


# --- Pages --------------------------------------------------------------------------------------------------------


def test_the_team_follows_a_case_on_its_page(world, client_for):
    opened = case(world)
    client = client_for("utveckling")
    response = client.post(reverse("dialogs:case_note", args=[opened.pk]), {"text": "Möte med verksamhetschefen.", "noted_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    response = client.post(reverse("dialogs:case_transition", args=[opened.pk]), {"status": "avslutad", "note": ""})
    assert response.status_code == 400
    assert "Skriv varför uppföljningen avslutas." in response.content.decode()
    response = client.post(reverse("dialogs:case_document_upload", args=[opened.pk]), {"file": _upload("utredning.pdf", PDF)})
    assert response.status_code == 302
    page = client.get(reverse("dialogs:case_detail", args=[opened.pk])).content.decode()
    assert "Möte med verksamhetschefen." in page and "utredning.pdf" in page


def test_the_case_page_says_how_long_it_has_been_open_and_how_long_it_took(world, client_for):
    opened = case(world)
    client = client_for("utveckling")
    url = reverse("dialogs:case_detail", args=[opened.pk])
    assert "öppnad i dag" in client.get(url).content.decode()
    type(opened).objects.filter(pk=opened.pk).update(opened_at=timezone.now() - datetime.timedelta(days=3))
    assert "öppen i 3 dagar" in client.get(url).content.decode()
    client.post(reverse("dialogs:case_transition", args=[opened.pk]), {"status": "avslutad", "note": "Klart."})
    page = client.get(url).content.decode()
    assert "avslutad efter 3 dagar" in page and "öppen i" not in page


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_refused_upload_says_why_on_the_page(world, client_for):
    opened = case(world)
    response = client_for("bestallare").post(reverse("dialogs:case_document_upload", args=[opened.pk]), {"file": _upload("x.pdf", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert "innehållet" in response.content.decode()


def test_a_download_is_the_stored_file_with_its_checked_type(world, client_for):
    opened = case(world)
    document = services.case_document_add(case=opened, user=world.user("bestallare"), name="Rapport å.pdf", data=PDF)
    response = client_for("admin").get(reverse("dialogs:case_document_download", args=[document.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("persona", ["staff_a1", "staff_a2", "outsider", "anonymous"])
def test_nobody_outside_the_team_can_see_or_guess_a_case(world, client_for, persona):
    opened = case(world)
    document = services.case_document_add(case=opened, user=world.user("bestallare"), name="rapport.pdf", data=PDF)
    client = client_for(persona)
    entries = opened.entries.count()
    urls = [
        reverse("dialogs:case_detail", args=[opened.pk]),
        reverse("dialogs:case_document_download", args=[document.pk]),
        reverse("dialogs:case_open", args=[opened.dialogue_id]),
    ]
    expected = 302 if persona == "anonymous" else 404
    assert [client.get(url).status_code for url in urls] == [expected] * 3
    for action in ("case_note", "case_transition", "case_owner", "case_document_upload"):
        assert client.post(reverse(f"dialogs:{action}", args=[opened.pk]), {"text": "x", "status": "utredning"}).status_code == expected
    assert opened.entries.count() == entries


def test_clinic_staff_get_404_for_the_case_list(world, client_for):
    case(world)
    assert client_for("staff_a1").get(reverse("dialogs:case_list")).status_code == 404
    page = client_for("admin").get(reverse("dialogs:case_list")).content.decode()
    assert "Vårdcentral A1" in page and "dag" in page


def test_the_summary_shows_cases_to_the_team_only(world, client_for):
    opened = case(world)
    url = reverse("dialogs:dialogue_summary", args=[opened.dialogue_id])
    team_page = client_for("bestallare").get(url).content.decode()
    assert "Fördjupad uppföljning" in team_page and reverse("dialogs:case_detail", args=[opened.pk]) in team_page
    staff_page = client_for("staff_a1").get(url).content.decode()
    # The guide's own question about an indication is part of the shared documentation; the case is not.
    assert "läkemedelshanteringen" not in staff_page and "Markera" not in staff_page
    assert "fordjupad-uppfoljning" not in staff_page


def test_the_team_marks_an_indication_from_the_summary(world, client_for):
    dialogue = last_year(world)
    response = client_for("utveckling").post(
        reverse("dialogs:case_open", args=[dialogue.pk]), {"category": "oegentligheter", "reason": "Avvikande ersättningsanspråk."}
    )
    opened = dialogue.cases.get()
    assert response.status_code == 302 and response["Location"] == reverse("dialogs:case_detail", args=[opened.pk])
    assert opened.category == "oegentligheter"


def test_the_next_dialogue_shows_the_case_to_the_team(world, client_for):
    from tests.continuity.factories import next_dialogue

    opened = case(world)
    upcoming = next_dialogue(world)
    url = reverse("dialogs:dialogue_detail", args=[upcoming.pk])
    assert reverse("dialogs:case_detail", args=[opened.pk]) in client_for("admin").get(url).content.decode()
    staff_page = client_for("staff_a1").get(url).content.decode()
    assert "ördjupad" not in staff_page and "fordjupad-uppfoljning" not in staff_page
