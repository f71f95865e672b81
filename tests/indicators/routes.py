"""The indicators app's URLs in the authorization matrix (see tests/authz_matrix.py)."""

from indicators.models import BatchStatus, DataSource, ImportBatch, Indicator
from tests.authz_matrix import EVERYONE_IN_A_REGION, REGION_A_ADMIN_OBJECT, REGION_ADMIN_ONLY, Route, statuses

# Administrators and uppföljare of the batch's region see it; clinic staff 403; region B's outsider 404.
REGION_A_FOLLOW_UP_OBJECT = statuses(200, staff_a1=403, staff_a2=403, outsider=404)


def own_source(world) -> DataSource:
    source, _created = DataSource.objects.get_or_create(
        slug="region-a-egen", defaults={"name": "Region A:s uppföljning", "region": world.region_a}
    )
    return source


def own_indicator(world) -> Indicator:
    indicator, _created = Indicator.objects.get_or_create(
        code="A-EGEN-1", region=world.region_a, defaults={"name": "Egen indikator", "source": own_source(world)}
    )
    return indicator


def batch(world) -> ImportBatch:
    batch, _created = ImportBatch.objects.get_or_create(
        region=world.region_a,
        file_name="varden.csv",
        defaults={"user": world.user("admin"), "checksum": "0" * 64, "status": BatchStatus.DONE},
    )
    return batch


ROUTES = [
    Route("indicators:indicator_list", EVERYONE_IN_A_REGION),
    Route("indicators:indicator_create", REGION_ADMIN_ONLY),
    Route("indicators:indicator_update", REGION_A_ADMIN_OBJECT, kwargs=lambda world: {"pk": own_indicator(world).pk}),
    Route("indicators:source_list", EVERYONE_IN_A_REGION),
    Route("indicators:source_create", REGION_ADMIN_ONLY),
    Route("indicators:source_update", REGION_A_ADMIN_OBJECT, kwargs=lambda world: {"pk": own_source(world).pk}),
    # Every region's follow-up team sees its own batches; clinic staff do not.
    Route("indicators:batch_list", statuses(200, staff_a1=403, staff_a2=403)),
    Route("indicators:batch_upload", REGION_ADMIN_ONLY),
    Route("indicators:batch_detail", REGION_A_FOLLOW_UP_OBJECT, kwargs=lambda world: {"pk": batch(world).pk}),
    Route("indicators:batch_status", REGION_A_FOLLOW_UP_OBJECT, kwargs=lambda world: {"pk": batch(world).pk}),
    Route("indicators:batch_errors", REGION_A_FOLLOW_UP_OBJECT, kwargs=lambda world: {"pk": batch(world).pk}),
    Route("indicators:batch_confirm", statuses(405), kwargs=lambda world: {"pk": batch(world).pk}),  # POST only
    Route("indicators:batch_rollback", REGION_A_ADMIN_OBJECT, kwargs=lambda world: {"pk": batch(world).pk}),
    Route("indicators:batch_restart", statuses(405), kwargs=lambda world: {"pk": batch(world).pk}),  # POST only
]

# Indicator data on screen (indicators/views_presentation.py): a clinic's pages follow clinic visibility;
# the indicator page compares the region's clinics, so it is for the region's follow-up team only.
CLINIC_A1_VISIBLE = statuses(200, staff_a2=404, outsider=404)


def shared_indicator(world) -> Indicator:
    source, _created = DataSource.objects.get_or_create(slug="gemensam-kalla", defaults={"name": "Vården i siffror"})
    indicator, _created = Indicator.objects.get_or_create(
        code="GEMENSAM-1", region=None, defaults={"name": "Gemensam indikator", "source": source}
    )
    return indicator


ROUTES += [
    Route("indicators:clinic_indicators", CLINIC_A1_VISIBLE, kwargs=lambda world: {"clinic_pk": world.clinic_a1.pk}),
    Route("indicators:clinic_presentation", CLINIC_A1_VISIBLE, kwargs=lambda world: {"clinic_pk": world.clinic_a1.pk}),
    # A nationell läsare has no region to compare its clinics in: 403 before the indicator is looked at.
    Route("indicators:indicator_region", {**REGION_A_FOLLOW_UP_OBJECT, "national": 403},
          kwargs=lambda world: {"pk": own_indicator(world).pk}),
    # A shared indicator: every region's follow-up team sees it with its own clinics.
    Route(
        "indicators:indicator_region",
        statuses(200, staff_a1=403, staff_a2=403),
        kwargs=lambda world: {"pk": shared_indicator(world).pk},
    ),
]
