"""Benchmarks per region: every observation gets the region that owns it (the importing region), and a
region's or the country's value is unique per owner, so regions no longer share, change or roll back each
other's benchmark values. Existing rows belong to the region of the batch that wrote them."""

import django.db.models.deletion
from django.db import migrations, models


def owner_from_batch(apps, schema_editor):
    Observation = apps.get_model("indicators", "Observation")
    ImportBatch = apps.get_model("indicators", "ImportBatch")
    Observation.objects.update(
        owner_id=models.Subquery(ImportBatch.objects.filter(pk=models.OuterRef("batch_id")).values("region_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                related_name="+", to="organisations.region", verbose_name="ägare (region)",
            ),
        ),
        migrations.RunPython(owner_from_batch, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="observation",
            name="owner",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                related_name="+", to="organisations.region", verbose_name="ägare (region)",
            ),
        ),
        migrations.RemoveConstraint(model_name="observation", name="observation_unique_region"),
        migrations.RemoveConstraint(model_name="observation", name="observation_unique_nation"),
        migrations.AddConstraint(
            model_name="observation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", False)),
                fields=("owner", "region", "indicator", "period_start", "period_end", "sex"),
                name="observation_unique_owner_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="observation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit_kind", "nation")),
                fields=("owner", "indicator", "period_start", "period_end", "sex"),
                name="observation_unique_owner_nation",
            ),
        ),
    ]
