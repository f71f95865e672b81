"""Writes in the indicators app's library: data sources and the region's own indicators. Imports of values, and
rolling them back, are ``indicators.imports``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import DataSource, Indicator


@transaction.atomic
def data_source_save(*, data_source: DataSource) -> DataSource:
    data_source.full_clean()
    data_source.save()
    return data_source


@transaction.atomic
def indicator_save(*, indicator: Indicator) -> Indicator:
    """Save a region's own indicator; its code may not shadow a shared one (imports match codes)."""
    indicator.full_clean()
    if indicator.region_id and Indicator.objects.filter(region__isnull=True, code__iexact=indicator.code).exists():
        raise ValidationError(
            {"code": _("Koden %(code)s finns redan i det gemensamma biblioteket.") % {"code": indicator.code}}
        )
    indicator.save()
    return indicator
