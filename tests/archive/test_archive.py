"""The archive export (issue 15 §4): a closed dialogue as one ZIP with its documentation and history, the letter,
preparations, every shared deck version as PPTX and PDF, comments and acknowledgements, agreements and status
history, a manifest with SHA-256 checksums and the documentation as PDF/A; a region's year built by the worker with
a progress bar and kept for download for a limited time; the team and administrators only."""

import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from archive import services
from archive.models import ArchiveExport, ExportStatus
from dialogs.models import AnswerRevision, Dialogue
from feedback.models import DeckFormat, SharedFile
from tests.archive.factories import closed, finished_export
from tests.pdfua import assert_accessible
from tests.privacy.factories import SECRET


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _json(package: zipfile.ZipFile, name: str):
    return json.loads(package.read(name))


def test_a_closed_dialogue_is_one_zip_with_everything_and_a_manifest_of_checksums(world, client_for):
    dialogue = closed(world)
    response = client_for("bestallare").get(reverse("archive:dialogue_package", args=[dialogue.pk]))
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    package = _zip(response.content)
    names = set(package.namelist())
    assert {"manifest.json", "dokumentation.pdf", "dokumentation.csv", "dokumentation-historik.json", "forord.pdf",
            "forberedelser.json", "dialog.json", "statushistorik.json", "overenskommelser.json",
            "aterkoppling/version-1.pptx", "aterkoppling/version-1.pdf", "aterkoppling/version-1.json",
            "aterkoppling/kommentarer.json"} <= names
    manifest = _json(package, "manifest.json")
    assert {entry["sökväg"] for entry in manifest["filer"]} == names - {"manifest.json"}
    for entry in manifest["filer"]:
        data = package.read(entry["sökväg"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["byte"]
    assert manifest["dialoger"][0]["id"] == dialogue.pk and manifest["skapad_av"] == "Bo Beställare"


def test_the_package_holds_the_history_the_decks_as_shared_comments_agreements_and_statuses(world, client_for):
    dialogue = closed(world)
    package = _zip(client_for("admin").get(reverse("archive:dialogue_package", args=[dialogue.pk])).content)
    history = _json(package, "dokumentation-historik.json")
    changed = next(answer for answer in history["svar"] if answer["ändringar"])
    revision = AnswerRevision.objects.get(answer__dialogue=dialogue)
    assert changed["ändringar"][0]["efter"] == revision.after and changed["ändringar"][0]["av"] == "Bo Beställare"
    for stored in SharedFile.objects.filter(version__report__dialogue=dialogue):
        assert package.read(f"aterkoppling/version-1.{stored.format}") == bytes(stored.data)
    comments = _json(package, "aterkoppling/kommentarer.json")
    assert comments[0]["kommentarer"][0]["text"] == f"{SECRET} kommenterar"
    assert _json(package, "overenskommelser.json")[0]["status"] == "klar"
    assert [change["till"] for change in _json(package, "statushistorik.json")][-1] == "avslutad"
    assert any(preparation["översikt"] == SECRET for preparation in _json(package, "forberedelser.json"))
    assert _json(package, "dialog.json")["deltagare"][0]["namn"] == "Anna Andersson"


def test_the_documentation_is_pdf_a_and_tagged_and_the_letter_pdf_ua(world, client_for):
    dialogue = closed(world)
    package = _zip(client_for("admin").get(reverse("archive:dialogue_package", args=[dialogue.pk])).content)
    documentation = assert_accessible(package.read("dokumentation.pdf"), variant="a")
    assert documentation.pdfa_part == "2" and "Vårdcentral A1" in documentation.title
    assert_accessible(package.read("forord.pdf"))


def test_only_a_closed_dialogue_is_offered_and_only_to_the_team(world, client_for):
    dialogue = closed(world)
    detail = reverse("dialogs:dialogue_detail", args=[dialogue.pk])
    package = reverse("archive:dialogue_package", args=[dialogue.pk])
    assert package in client_for("utveckling").get(detail).content.decode()
    assert package not in client_for("staff_a1").get(detail).content.decode()
    Dialogue.objects.filter(pk=dialogue.pk).update(status="uppfoljning_bokad")
    assert package not in client_for("utveckling").get(detail).content.decode()
    assert client_for("utveckling").get(package).status_code == 403


def test_a_regions_year_is_built_by_the_worker_with_progress_and_offered_for_download(
    world, client_for, django_capture_on_commit_callbacks
):
    first, second = closed(world), closed(world, clinic=world.clinic_a2)
    other_year = closed(world, clinic=world.clinic_a2)
    Dialogue.objects.filter(pk=other_year.pk).update(date=first.date.replace(year=first.date.year - 1))
    client = client_for("admin")
    assert str(first.date.year) in client.get(reverse("archive:index")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:export_create"), {"year": str(first.date.year)})
    export = ArchiveExport.objects.get()
    assert response["Location"] == reverse("archive:export_detail", args=[export.pk])
    assert (export.status, export.done, export.total, export.progress) == (ExportStatus.DONE, 2, 2, 100)
    status = client.get(reverse("archive:export_status", args=[export.pk])).json()
    assert status == {"status": "done", "label": "klar", "active": False, "done": 2, "total": 2, "progress": 100}
    page = client.get(reverse("archive:export_detail", args=[export.pk])).content.decode()
    assert reverse("archive:export_download", args=[export.pk]) in page and export.sha256 in page

    download = client.get(reverse("archive:export_download", args=[export.pk]))
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == export.sha256
    package = _zip(data)
    manifest = _json(package, "manifest.json")
    assert sorted(item["id"] for item in manifest["dialoger"]) == sorted([first.pk, second.pk])
    folders = {item["mapp"] for item in manifest["dialoger"]}
    assert all(f"{folder}/dokumentation.pdf" in package.namelist() for folder in folders)
    for entry in manifest["filer"]:
        assert hashlib.sha256(package.read(entry["sökväg"])).hexdigest() == entry["sha256"]


def test_the_page_shows_a_progress_bar_while_the_export_runs(world, client_for):
    dialogue = closed(world)
    export = ArchiveExport.objects.create(region=world.region_a, year=dialogue.date.year, status=ExportStatus.RUNNING,
                                          done=3, total=12)
    page = client_for("bestallare").get(reverse("archive:export_detail", args=[export.pk])).content.decode()
    assert 'aria-valuenow="25"' in page and "3 av 12 dialoger – 25 %" in page
    assert reverse("archive:export_status", args=[export.pk]) in page and "js/archive-progress.js" in page
    assert client_for("bestallare").get(reverse("archive:export_status", args=[export.pk])).json()["active"] is True


def test_a_second_order_while_one_runs_is_that_one_and_a_year_without_dialogues_is_refused(world, client_for):
    dialogue = closed(world)
    running = ArchiveExport.objects.create(region=world.region_a, year=dialogue.date.year, status=ExportStatus.RUNNING)
    again = services.archive_export_request(region=world.region_a, year=dialogue.date.year, user=world.user("admin"))
    assert again == running
    with pytest.raises(services.ExportRefused, match="inga avslutade dialoger från 1999"):
        ArchiveExport.objects.all().delete()
        services.archive_export_request(region=world.region_a, year=1999, user=world.user("admin"))
    refused = client_for("admin").post(reverse("archive:export_create"), {"year": "1999"}, follow=True)
    assert "Välj ett år med avslutade dialoger" in refused.content.decode()


def test_an_export_is_kept_for_a_limited_time(world, client_for, settings):
    settings.ARCHIVE_EXPORT_KEEP_HOURS = 24
    export = finished_export(world)
    assert timezone.now() + datetime.timedelta(hours=23) < export.expires_at <= timezone.now() + datetime.timedelta(hours=24)
    path = services.export_path(export)
    assert path.is_file()
    ArchiveExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("archive_exports_expire")
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not path.exists()
    assert client_for("admin").get(reverse("archive:export_download", args=[export.pk])).status_code == 404
    assert "sparas inte längre" in client_for("admin").get(reverse("archive:export_detail", args=[export.pk])).content.decode()


def test_an_export_whose_worker_died_is_marked_failed(world):
    dialogue = closed(world)
    export = ArchiveExport.objects.create(region=world.region_a, year=dialogue.date.year, status=ExportStatus.RUNNING)
    ArchiveExport.objects.filter(pk=export.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=2))
    assert services.archive_exports_expire() == (0, 1)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "Beställ exporten igen" in export.error


def test_a_task_run_twice_builds_once(world):
    export = finished_export(world)
    again = services.archive_export_run(export=export)
    assert again.sha256 == export.sha256 and again.status == ExportStatus.DONE


def test_the_expiry_is_on_the_schedule():
    from programme.schedule import DEFAULT_SCHEDULE

    assert DEFAULT_SCHEDULE["archive_exports_expire"] <= 3600


def test_only_the_deck_files_that_exist_are_listed(world, client_for):
    dialogue = closed(world)
    SharedFile.objects.filter(version__report__dialogue=dialogue, format=DeckFormat.PPTX).delete()
    package = _zip(client_for("admin").get(reverse("archive:dialogue_package", args=[dialogue.pk])).content)
    assert "aterkoppling/version-1.pptx" not in package.namelist()
    assert "aterkoppling/version-1.pdf" in package.namelist()
