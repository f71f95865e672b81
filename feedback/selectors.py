"""Reads of the feedback pages that need more than one query's thought: the overview, and one shared
version with its comments, replies and acknowledgements (a constant number of queries)."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Prefetch, Subquery

from dialogs.models.dialogue import HELD_STATUSES, Dialogue
from dialogs.selectors.learning import medskick_by_ids
from feedback.learning import medskick_ids
from feedback.models import ClinicComment, FeedbackReport, RegionTheme, SharedVersion, TeamReply
from feedback.renderers.colours import series_palette
from feedback.renderers.content import ChartBlock, DeckContent, Section
from feedback.renderers.data_uri import svg_data_uri
from feedback.renderers.charts import SCREEN, block_svg
from indicators.models import Indicator
from indicators.selectors.series import clinic_indicators
from organisations.models import Clinic, Region


def _latest_version(field: str) -> Subquery:
    return Subquery(SharedVersion.objects.filter(report=OuterRef(field)).order_by("-number").values("pk")[:1])


def team_overview(user, region: Region):
    """The region's held dialogues with their feedback's state: for the follow-up team."""
    return (
        Dialogue.objects.for_user(user)
        .in_region(region)
        .filter(status__in=HELD_STATUSES)
        .select_related("clinic", "feedback_report")
        .annotate(
            latest_version_number=Max("feedback_report__versions__number"),
            latest_shared_at=Max("feedback_report__versions__shared_at"),
            latest_version_pk=_latest_version("feedback_report"),
            comment_count=Count("feedback_report__versions__comments", distinct=True),
        )
        .order_by("-date", "-pk")
    )


def clinic_overview(user, region: Region):
    """Shared feedback of the user's clinic(s) in the region: for clinic staff."""
    return (
        FeedbackReport.objects.for_user(user)
        .filter(dialogue__clinic__region=region, versions__isnull=False)
        .select_related("dialogue__clinic")
        .annotate(
            latest_version_number=Max("versions__number"),
            latest_shared_at=Max("versions__shared_at"),
            latest_version_pk=_latest_version("pk"),
        )
        .order_by("-dialogue__date", "-pk")
    )


@dataclass
class ReviewBlock:
    """One block of a shared version's page, in deck order: a section with the conversation about it, or a
    chart with its SVG as a data: URI."""

    section: Section | None = None
    comments: list = field(default_factory=list)
    chart: ChartBlock | None = None
    image: str = ""
    # A section built from medskick (issue 14): each point with its medskick as it is now (None when removed since),
    # whose comments the page shows under the point.
    points: list = field(default_factory=list)


def version_with_review(version: SharedVersion) -> tuple[DeckContent, list[ReviewBlock], list, list[SharedVersion]]:
    """A shared version as shared: its content, its blocks with comments (and replies), the acknowledgements,
    and all versions of the report, newest first."""
    content = DeckContent.from_dict(version.snapshot)
    theme = content.theme.checked()
    palette = series_palette(theme.primary, theme.secondary)
    comments = (
        ClinicComment.objects.filter(version=version)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=TeamReply.objects.select_related("author")))
    )
    by_section: dict[str, list] = {}
    for comment in comments:
        by_section.setdefault(comment.section_key, []).append(comment)
    blocks = [
        ReviewBlock(
            chart=block,
            # A version shared before charts were drawn for the screen holds only the PDF's drawing, whose type
            # is too small on a tablet: its chart is drawn for the page from the snapshot's own series.
            image=svg_data_uri(block.screen_svg or block_svg(block, palette=palette, font=theme.font, layout=SCREEN)),
        )
        if isinstance(block, ChartBlock)
        else ReviewBlock(section=block, comments=by_section.get(block.key, []))
        for block in content.outline()
    ]
    _attach_medskick(blocks, dialogue_id=version.report.dialogue_id)
    acknowledgements = list(version.acknowledgements.select_related("user"))
    versions = list(
        SharedVersion.objects.filter(report_id=version.report_id).select_related("shared_by").order_by("-number")
    )
    return content, blocks, acknowledgements, versions


def _attach_medskick(blocks: list[ReviewBlock], *, dialogue_id: int) -> None:
    """Give each point of a section built from medskick its medskick with comments (three queries when a version has
    such points, none otherwise)."""
    sections = [block for block in blocks if block.section is not None and block.section.item_refs]
    ids = {pk for block in sections for pk in medskick_ids(block.section.item_refs)}
    if not ids:
        return
    found = {pk: item for pk, item in medskick_by_ids(ids).items() if item.dialogue_id == dialogue_id}
    for block in sections:
        refs = list(block.section.item_refs) + [""] * max(0, len(block.section.items) - len(block.section.item_refs))
        block.points = [
            (text, found.get(next(iter(medskick_ids([ref])), None))) for text, ref in zip(block.section.items, refs)
        ]


def chart_choices(clinic: Clinic):
    """The indicators the team may chart for the clinic: the region's active ones with data for it."""
    available = [indicator.pk for indicator in clinic_indicators(clinic)]
    return Indicator.objects.filter(pk__in=available).select_related("source").order_by("source__name", "name", "pk")


def region_theme(region: Region) -> RegionTheme:
    """The region's look as its administrators set it, or an unsaved theme with the defaults while they have set
    none: the one read of a region's theme, for the deck, the theme page and saving it."""
    theme = RegionTheme.objects.filter(region=region).first() or RegionTheme(region=region)
    theme.region = region  # as_theme() names the region without reading it again
    return theme
