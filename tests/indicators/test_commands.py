"""manage.py import_indicators and load_content."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.models import BatchStatus, DataSource, ImportBatch, Indicator, Observation
from tests.indicators.import_fixtures import generic_file, library, media  # noqa: F401 - fixtures


@pytest.fixture
def csv_path(tmp_path):
    def write(*rows: str):
        path = tmp_path / "varden.csv"
        path.write_bytes(generic_file(*rows))
        return str(path)

    return write


def test_dry_run_reports_and_leaves_no_trace(world, library, csv_path, capsys):
    call_command("import_indicators", csv_path("PVK-01;SE-A1;2023;T;41,7;;"), "--region", "Region A",
                 "--user", "admin", "--dry-run")
    assert "Provkörning (ingenting sparat): 1 rader, 1 nya" in capsys.readouterr().out
    assert not Observation.objects.exists() and not ImportBatch.objects.exists()


def test_import_writes_a_batch_with_provenance(world, library, csv_path, capsys):
    path = csv_path("PVK-01;SE-A1;2023;T;41,7;;")
    call_command("import_indicators", path, "--region", "region a", "--user", "admin")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.user, batch.file_name, len(batch.checksum)) == (BatchStatus.DONE, world.user("admin"), "varden.csv", 64)
    assert Observation.objects.get().batch == batch
    call_command("import_indicators", path, "--region", "Region A", "--user", "admin")
    assert "1 oförändrade" in capsys.readouterr().out


def test_errors_stop_the_import_unless_valid_rows_only(world, library, csv_path, capsys):
    path = csv_path("PVK-01;SE-A1;2023;T;41,7;;", "PVK-01;SE-OKAND;2023;T;1;;")
    with pytest.raises(CommandError, match="Filen har fel"):
        call_command("import_indicators", path, "--region", "Region A", "--user", "admin")
    assert "Rad 3, kolumn ”enhet”" in capsys.readouterr().err
    assert not Observation.objects.exists()
    call_command("import_indicators", path, "--region", "Region A", "--user", "admin", "--valid-rows-only")
    assert Observation.objects.count() == 1


def test_only_the_regions_administrators_may_import(world, library, csv_path):
    with pytest.raises(CommandError, match="inte administratör"):
        call_command("import_indicators", csv_path("PVK-01;SE-A1;2023;T;41,7;;"), "--region", "Region A",
                     "--user", "bestallare")


def test_load_content_ships_the_data_sources_of_chapter_5_and_is_idempotent(db):
    call_command("load_content")
    counts = (DataSource.objects.count(), Indicator.objects.count())
    call_command("load_content")
    assert (DataSource.objects.count(), Indicator.objects.count()) == counts
    names = set(DataSource.objects.values_list("name", flat=True))
    assert {"Vården i siffror", "PrimärvårdsKvalitet", "Nationell patientenkät", "Socialstyrelsens indikatorer",
            "Väntetider i vården", "Folkhälsostatistik och Kolada", "RiksSår", "Senior alert", "SveDem",
            "Nationella Diabetesregistret", "Luftvägsregistret", "RiksSvikt"} <= names
    assert any(name.startswith("BOA") for name in names)
    assert all(source.url and source.description and source.coverage_note for source in DataSource.objects.all())
    assert {"U71451", "U71458", "U79451", "N79173", "N79179", "N79188", "N79189", "U71200", "N71007"} <= set(
        Indicator.objects.values_list("code", flat=True)
    )
    assert Indicator.objects.get(code="PVK-HYPERTONI-PREV").polarity == "no_judgement"
