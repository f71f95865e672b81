"""What the search form offers: the clinics the person may search in the region and the 5P areas of the region's
guides (two queries)."""

from dataclasses import dataclass

from dialogs.models.guide import Section, SectionKind
from organisations.models import Clinic, Region


@dataclass
class SearchOptions:
    clinics: list[Clinic]
    areas: list[tuple[str, str]]


def search_options(*, user, region: Region) -> SearchOptions:
    clinics = list(Clinic.objects.filter(region=region, pk__in=Clinic.objects.for_user(user).values("pk")).order_by("name"))
    # The 5P areas of the region's published guides (and the national one): by key, each with its latest heading.
    areas: dict[str, str] = {}
    sections = (
        Section.objects.filter(parent=None, kind=SectionKind.FIVE_P, version__guide__region=region, version__status="published")
        .order_by("position", "version__number")
        .values_list("key", "code", "title")
    )
    for key, code, title in sections:
        areas[key] = f"{code}: {title}" if code else title
    return SearchOptions(clinics=clinics, areas=list(areas.items()))
