"""Indicator pages: the upload → preview → import → batch flow, rollback, progress, library editing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import BatchStatus, DataSource, ImportBatch, Indicator, Observation
from tests.indicators.import_fixtures import generic_file, library, media  # noqa: F401 - fixtures


def _upload(client, data: bytes, name="varden.csv"):
    return client.post(reverse("indicators:batch_upload"), {"file": SimpleUploadedFile(name, data)})


def test_upload_preview_confirm_and_batch_page(world, client_for, library):
    admin = client_for("admin")
    response = _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;1251;3000", "PVK-01;SE-A2;2023;K;MSK;;"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.status == BatchStatus.PREVIEWED and batch.added_count == 2 and not Observation.objects.exists()
    page = admin.get(batch.get_absolute_url())
    assert 'data-testid="count-added">2<' in page.content.decode()
    assert reverse("indicators:batch_confirm", args=[batch.pk]) in page.content.decode()

    response = admin.post(reverse("indicators:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == BatchStatus.DONE
    assert Observation.objects.count() == 2
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert batch.checksum in page and reverse("indicators:batch_rollback", args=[batch.pk]) in page


def test_preview_with_errors_lists_row_column_reason_and_needs_the_explicit_choice(world, client_for, library):
    admin = client_for("admin")
    _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-OKAND;2023;T;fyrtio;;"))
    batch = ImportBatch.objects.get()
    page = admin.get(batch.get_absolute_url()).content.decode()
    assert "<th scope=\"col\">Rad</th>" in page and "Importera bara giltiga rader" in page
    assert "fyrtio" in page
    response = admin.post(reverse("indicators:batch_confirm", args=[batch.pk]))
    assert response.status_code == 400 and not Observation.objects.exists()
    assert "välj att importera bara giltiga rader" in response.content.decode()
    admin.post(reverse("indicators:batch_confirm", args=[batch.pk]), {"valid_rows_only": "on"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.valid_rows_only and Observation.objects.count() == 1


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(world, client_for, library, settings):
    settings.MAX_IMPORT_BYTES = 1024
    response = _upload(client_for("admin"), b"x" * 2048)
    assert response.status_code == 200 and "för stor" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_large_files_run_in_the_worker_with_progress(world, client_for, library, settings,
                                                    django_capture_on_commit_callbacks):
    from indicators.imports import batches

    settings.MAX_IMPORT_BYTES = 10 * 1024 * 1024
    monkey = pytest.MonkeyPatch()
    monkey.setattr(batches, "IMPORT_INLINE_MAX_BYTES", 10)
    try:
        admin = client_for("admin")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
        batch = ImportBatch.objects.get()
        assert batch.status == BatchStatus.QUEUED and len(callbacks) == 1
        page = admin.get(batch.get_absolute_url()).content.decode()
        assert "data-import-progress" in page and "js/import-progress.js" in page and 'role="status"' in page
        status = admin.get(reverse("indicators:batch_status", args=[batch.pk])).json()
        assert status == {"status": "queued", "label": "i kö", "progress": 0, "active": True, "stage": "",
                          "measured": True, "time_left": ""}
        callbacks[0]()  # the worker picks the task up (ImmediateBackend in tests)
        status = admin.get(reverse("indicators:batch_status", args=[batch.pk])).json()
        assert status["status"] == "previewed" and status["progress"] == 100 and not status["active"]
    finally:
        monkey.undo()


def test_rollback_from_the_batch_page(world, client_for, library):
    admin = client_for("admin")
    _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    batch = ImportBatch.objects.get()
    admin.post(reverse("indicators:batch_confirm", args=[batch.pk]))
    response = admin.post(reverse("indicators:batch_rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert response.status_code == 302 and batch.status == BatchStatus.ROLLED_BACK
    assert not Observation.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), [("bestallare", 403), ("staff_a1", 403), ("outsider", 404)])
def test_only_the_regions_administrators_may_confirm_or_roll_back(world, client_for, library, persona, expected):
    admin = client_for("admin")
    _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;;"))
    batch = ImportBatch.objects.get()
    client = client_for(persona)
    assert client.post(reverse("indicators:batch_confirm", args=[batch.pk])).status_code == expected
    assert client.post(reverse("indicators:batch_rollback", args=[batch.pk])).status_code == expected
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_error_csv_neutralises_formulas(world, client_for, library):
    admin = client_for("admin")
    _upload(admin, generic_file("PVK-01;SE-A1;2023;T;41,7;;", "=HYPERLINK(\"x\");SE-A1;2023;K;1;;"))
    batch = ImportBatch.objects.get()
    batch.error_report.append({"line": 9, "column": "@kolumn", "message": "-2+3"})
    batch.save()
    response = admin.get(reverse("indicators:batch_errors", args=[batch.pk]))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'@kolumn;'-2+3" in text
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in text.splitlines() for cell in line.split(";"))


def test_index_shows_the_library_and_recent_imports_for_the_follow_up_team(world, client_for, library,
                                                                          django_assert_max_num_queries):
    for index in range(8):
        ImportBatch.objects.create(region=world.region_a, user=world.user("admin"), file_name=f"f{index}.csv", checksum="0")
    client = client_for("bestallare")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("indicators:index")).content.decode()
    assert "Senaste importer" in page and "f7.csv" in page
    assert "Senaste importer" not in client_for("staff_a1").get(reverse("indicators:index")).content.decode()


def test_batch_list_queries_do_not_grow_with_batches(world, client_for, django_assert_max_num_queries):
    for index in range(30):
        ImportBatch.objects.create(region=world.region_a, user=world.user("admin"), file_name=f"f{index}.csv", checksum="0")
    client = client_for("admin")
    with django_assert_max_num_queries(10):
        assert client.get(reverse("indicators:batch_list")).status_code == 200


def test_administrators_create_and_edit_their_regions_own_indicators(world, client_for, library):
    admin = client_for("admin")
    source = DataSource.objects.get(slug="vardenisiffror")
    data = {"code": "A-LOKAL-1", "name": "Lokalt mått", "source": source.pk, "unit": "percent",
            "polarity": "higher_better", "target": "85", "active": "on"}
    response = admin.post(reverse("indicators:indicator_create"), data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="A-LOKAL-1")
    assert indicator.region == world.region_a and indicator.target == 85
    admin.post(reverse("indicators:indicator_update", args=[indicator.pk]), {**data, "name": "Nytt namn"})
    indicator.refresh_from_db()
    assert indicator.name == "Nytt namn"
    # A code that shadows the shared library is refused.
    response = admin.post(reverse("indicators:indicator_create"), {**data, "code": "pvk-01"})
    assert response.status_code == 200 and "gemensamma biblioteket" in response.content.decode()


def test_shared_library_entries_are_read_only_in_the_app(world, client_for, library):
    shared = Indicator.objects.get(code="U71451")
    assert client_for("admin").get(reverse("indicators:indicator_update", args=[shared.pk])).status_code == 403
    source = DataSource.objects.get(slug="ndr")
    assert client_for("admin").post(reverse("indicators:source_update", args=[source.pk]), {"name": "x"}).status_code == 403


def test_administrators_create_their_regions_own_data_source(world, client_for):
    response = client_for("admin").post(
        reverse("indicators:source_create"),
        {"name": "Regionens uppföljningssystem", "slug": "region-a-system", "url": "https://example.org",
         "description": "Egna mått", "coverage_note": "Alla vårdcentraler i regionen"},
    )
    assert response.status_code == 302
    assert DataSource.objects.get(slug="region-a-system").region == world.region_a
    listing = client_for("outsider").get(reverse("indicators:source_list")).content.decode()
    assert "Regionens uppföljningssystem" not in listing


# --- Navigation to the data pages --------------------------------------------------------------------------


def test_the_index_links_each_visible_clinics_indicator_page(world, client_for):
    def clinic_links(persona):
        page = client_for(persona).get(reverse("indicators:index")).content.decode()
        return {clinic.pk for clinic in (world.clinic_a1, world.clinic_a2, world.clinic_b1)
                if reverse("indicators:clinic_indicators", args=[clinic.pk]) in page}

    assert clinic_links("admin") == clinic_links("bestallare") == {world.clinic_a1.pk, world.clinic_a2.pk}
    assert clinic_links("staff_a1") == {world.clinic_a1.pk}
    assert clinic_links("outsider") == {world.clinic_b1.pk}


def test_the_library_links_each_indicator_across_the_region_for_the_follow_up_team(world, client_for, library):
    indicator = Indicator.objects.filter(region__isnull=True).first()
    url = reverse("indicators:indicator_region", args=[indicator.pk])
    assert url in client_for("bestallare").get(reverse("indicators:indicator_list")).content.decode()
    assert url in client_for("admin").get(reverse("indicators:indicator_list")).content.decode()
    assert url not in client_for("staff_a1").get(reverse("indicators:indicator_list")).content.decode()
