"""Search across dialogues (issue 13): answers, agreements and their comments, the deck's points, the clinic's
comments and the team's replies – and, for the follow-up team only, fördjupad uppföljning – in the active region.

Access is decided once, as a list of the dialogues the person may search (``searchable_dialogue_ids``): the
region's follow-up team searches every dialogue of the region; clinic staff only their own clinic's, and only
dialogues whose documentation the team has shared with them, never cases, and the deck only as it was shared (a
shared version), never the team's draft. Every kind then asks for matches among those dialogues, the most recently
written first, ``LIMIT`` hits per kind on a page (``SearchFilters.page``, up to ``MAX_PAGE``): a fixed number of queries
however much there is. Ordering by the
row's id (not by the dialogue's date) sorts the matches of one table before anything is joined to them.

On PostgreSQL the text is matched with full-text search in the 'swedish' configuration (so "läkare" finds
"läkaren" and "läkarna"), through GIN indexes: on the answers' stored vector (continuity/migrations/0002), and on the
``to_tsvector`` expressions below for the other, smaller tables (0001; the expressions are exactly the
indexes'). Elsewhere (SQLite, for development) every word must occur in the text (LIKE, which folds case for ASCII
letters only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Lookup, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dialogs.access import can_see_cases, readable_answers, reads_team_only
from dialogs.models.agreements import Agreement, AgreementChange
from dialogs.models.answers import Answer
from dialogs.models.cases import Case, CaseEntry, CaseEntryKind
from dialogs.models.dialogue import Dialogue, DialogueStatus
from feedback.models import ClinicComment, FeedbackSection, SharedVersion, TeamReply
from organisations.models import Region

LIMIT = 20  # hits per kind on a page
MAX_PAGE = 50  # pages of LIMIT hits per kind; beyond that, narrowing the search is the way on
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
CONFIG = "swedish"
SNIPPET = 220
SQLITE_JSON_ROWS = 2_000
BROAD_SCOPE_DIALOGUES = 1_000  # a scope of this many dialogues (about 90,000 answers) first searches the newest
PROBE_ROWS = 5_000  # answers: see _newest_matching_answers
_WORD = re.compile(r"[\w][\w\-]*", re.UNICODE)


class SwedishVector(Func):
    """``to_tsvector('swedish', <expression>)``: the expression of the search indexes."""

    template = "to_tsvector('swedish'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


class AnswerVector(Func):
    """An answer's stored vector on PostgreSQL: the generated column ``search_swedish``
    (continuity/migrations/0002), the same as ``to_tsvector('swedish', text)`` without computing it per row."""

    template = '"dialogs_answer"."search_swedish"'
    arity = 0
    output_field = SearchVectorField()


class AnyOf(Lookup):
    """``<column> = ANY(<array>)``: the dialogues in scope sent as one array parameter. A list of thousands of ids
    as ``IN (%s, %s, …)`` costs Django and the planner more than the search itself (45 ms of a national answer
    search whose SQL takes 3 ms)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, [int(value) for value in self.rhs])


def in_scope(path: str, ids: list[int]) -> Q | AnyOf:
    """The rows whose ``path`` (a dialogue id) is among ``ids``: one array parameter on PostgreSQL, ``IN`` elsewhere."""
    if is_postgresql():
        return AnyOf(F(path), ids)
    return Q(**{f"{path}__in": ids})


class DeckPoints(Func):
    """A shared version's deck points (every section's items) as one JSON array of strings."""

    template = "jsonb_path_query_array(%(expressions)s, '$.sections[*].items[*]')"


KIND_LABELS = {
    "answer": gettext_lazy("Svar"),
    "agreement": gettext_lazy("Överenskommelser"),
    "agreement_comment": gettext_lazy("Kommentarer till överenskommelser"),
    "deck": gettext_lazy("Återkopplingens text"),
    "comment": gettext_lazy("Kommentarer till återkopplingen"),
    "case": gettext_lazy("Fördjupad uppföljning"),
}


@dataclass
class SearchFilters:
    text: str
    clinic_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    area: str = ""
    status: str = ""
    page: int = 1  # the page of hits: each kind's hits LIMIT × (page − 1) + 1 … LIMIT × page

    @property
    def offset(self) -> int:
        return LIMIT * (min(max(self.page, 1), MAX_PAGE) - 1)

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text.casefold())[:MAX_WORDS]


@dataclass
class Hit:
    kind: str
    dialogue: Dialogue
    title: str
    text: str
    url: str
    terms: list[str] = field(default_factory=list)

    @property
    def snippet(self) -> tuple[str, str, str]:
        """(before, match, after) around the first search word found, for the page to mark up."""
        folded = self.text.casefold()
        positions = [(folded.find(term[:max(3, len(term) - 2)]), term) for term in self.terms]
        found = [(position, term) for position, term in positions if position >= 0]
        if not found:
            text = self.text[:SNIPPET]
            return text + ("…" if len(self.text) > SNIPPET else ""), "", ""
        position, term = min(found)
        end = position + len(term)
        while end < len(folded) and folded[end].isalnum():
            end += 1
        start = max(0, position - SNIPPET // 3)
        after_end = min(len(self.text), end + SNIPPET // 2)
        before = ("…" if start else "") + self.text[start:position]
        return before, self.text[position:end], self.text[end:after_end] + ("…" if after_end < len(self.text) else "")


@dataclass
class Group:
    kind: str
    hits: list[Hit]
    more: bool

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def searchable_dialogue_ids(*, user, region: Region, filters: SearchFilters, team: bool) -> list[int]:
    """The dialogues the person may search, narrowed by the clinic and period filters (one query)."""
    dialogues = Dialogue.objects.for_user(user).in_region(region).exclude(status=DialogueStatus.INSTALLD)
    if not team:
        dialogues = dialogues.filter(documentation_shared_at__isnull=False)
    if filters.clinic_id:
        dialogues = dialogues.filter(clinic_id=filters.clinic_id)
    if filters.date_from:
        dialogues = dialogues.filter(date__gte=filters.date_from)
    if filters.date_to:
        dialogues = dialogues.filter(date__lte=filters.date_to)
    return list(dialogues.values_list("pk", flat=True))


def _matching(
    queryset: QuerySet, expression, filters: SearchFilters, *, text_field: str | None = None, vector=None
) -> QuerySet:
    """``queryset`` narrowed to rows whose ``expression`` matches the search: full-text on PostgreSQL (``vector``,
    when the table stores one, instead of computing it from ``expression``), every word as a substring of
    ``text_field`` elsewhere."""
    if is_postgresql():
        query = SearchQuery(filters.text, config=CONFIG, search_type="websearch")
        return queryset.annotate(search_vector=vector if vector is not None else SwedishVector(expression)).filter(search_vector=query)
    condition = Q()
    for word in filters.words:
        condition &= Q(**{f"{text_field}__icontains": word})
    return queryset.filter(condition)


def _page(queryset: QuerySet, offset: int = 0) -> tuple[list, bool]:
    rows = list(queryset[offset : offset + LIMIT + 1])
    return rows[:LIMIT], len(rows) > LIMIT


def _merged_page(pairs: list[tuple], more: bool, offset: int) -> tuple[list, bool]:
    """One page of two kinds read together (each read up to the page's end), newest first."""
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    return [hit for _when, hit in pairs[offset : offset + LIMIT]], more or len(pairs) > offset + LIMIT


def _area_filter(filters: SearchFilters, prefix: str) -> Q:
    return Q(**{f"{prefix}section__key": filters.area}) | Q(**{f"{prefix}section__parent__key": filters.area})


def search_answers(ids: list[int], filters: SearchFilters, *, team: bool = False) -> tuple[list[Hit], bool]:
    """Answers, the largest table (525,000 rows in the country): first the newest matching ids from the table
    alone (``_newest_matching_answers``), then those rows with their dialogue, clinic and question. Answers to
    team-only questions only for the team (``team``)."""
    answers = readable_answers(Answer.objects.filter(in_scope("dialogue_id", ids)), team=team)
    if filters.area:
        answers = answers.filter(_area_filter(filters, "question__"))
    answers = _matching(answers, F("text"), filters, text_field="text", vector=AnswerVector())
    found = _newest_matching_answers(answers, filters.offset, broad=len(ids) >= BROAD_SCOPE_DIALOGUES)
    rows = list(
        Answer.objects.filter(pk__in=found[:LIMIT]).select_related("dialogue__clinic", "question__section__parent").order_by("-pk")
    )
    more = len(found) > LIMIT
    hits = [
        Hit("answer", answer.dialogue, answer.question.text, answer.text,
            reverse("dialogs:onsite_section", args=[answer.dialogue_id, _screen_key(answer.question)]) + f"#fraga-{answer.question.key}")
        for answer in rows
    ]
    return hits, more


def _newest_matching_answers(answers: QuerySet, offset: int, *, broad: bool) -> list[int]:
    """The ids of one page of matching answers (and one more, to tell whether there are more), newest first.

    Ordered by ``id + 0``, PostgreSQL finds the matches through the GIN index and sorts them: fast for a rare word,
    but a common one over a broad scope means fetching every match (79,000 rows for a word in 15 % of the
    country's answers: 120 ms). Walking the primary key backwards finds a common word's newest matches at once
    but reads the whole table looking for a rare one (5 s). So over a broad scope the newest ``PROBE_ROWS``
    answers are searched first, walking the key through that window only; when the window holds the whole page,
    that page is exact (every match outside the window is older than every match in it). Otherwise, and always
    over a region's ordinary scope, the index query answers."""
    end = offset + LIMIT + 1
    if broad and is_postgresql():
        window_start = Answer.objects.order_by("-pk").values("pk")[PROBE_ROWS - 1 : PROBE_ROWS]
        newest = answers.filter(pk__gte=Subquery(window_start)).order_by("-pk").values_list("pk", flat=True)
        found = list(newest[offset:end])
        if len(found) == end - offset:
            return found
    return list(answers.annotate(newest=F("pk") + 0).order_by("-newest").values_list("pk", flat=True)[offset:end])


def _screen_key(question) -> str:
    section = question.section
    return section.parent.key if section.parent_id else section.key


def search_agreements(ids: list[int], filters: SearchFilters) -> tuple[list[Hit], bool]:
    agreements = Agreement.objects.filter(in_scope("dialogue_id", ids))
    if filters.area:
        agreements = agreements.filter(area=filters.area)
    if filters.status:
        agreements = agreements.filter(status=filters.status)
    agreements = _matching(agreements, F("text"), filters, text_field="text")
    rows, more = _page(agreements.select_related("dialogue__clinic").order_by("-pk"), filters.offset)
    hits = [
        Hit("agreement", agreement.dialogue, f"{agreement.get_status_display()} · {agreement.get_owner_display()}",
            agreement.text, reverse("dialogs:agreement_detail", args=[agreement.pk]))
        for agreement in rows
    ]
    return hits, more


def search_agreement_comments(ids: list[int], filters: SearchFilters) -> tuple[list[Hit], bool]:
    changes = AgreementChange.objects.filter(in_scope("agreement__dialogue_id", ids)).exclude(comment="")
    if filters.area:
        changes = changes.filter(agreement__area=filters.area)
    if filters.status:
        changes = changes.filter(agreement__status=filters.status)
    changes = _matching(changes, F("comment"), filters, text_field="comment")
    rows, more = _page(changes.select_related("agreement__dialogue__clinic").order_by("-pk"), filters.offset)
    hits = [
        Hit("agreement_comment", change.agreement.dialogue, change.agreement.text[:120], change.comment,
            reverse("dialogs:agreement_detail", args=[change.agreement_id]))
        for change in rows
    ]
    return hits, more


def _json_page(queryset: QuerySet, expression, filters: SearchFilters, text_of) -> tuple[list, bool]:
    """Matches in a JSON column: full-text on PostgreSQL; elsewhere read (the newest ``SQLITE_JSON_ROWS``) and matched
    in Python, since SQLite keeps non-ASCII letters of JSON escaped (``\\u00e5``), out of LIKE's reach."""
    if is_postgresql():
        return _page(_matching(queryset, expression, filters), filters.offset)
    found = [row for row in queryset[:SQLITE_JSON_ROWS] if all(word in text_of(row).casefold() for word in filters.words)]
    offset = filters.offset
    return found[offset : offset + LIMIT], len(found) > offset + LIMIT


def search_deck(ids: list[int], filters: SearchFilters, *, team: bool) -> tuple[list[Hit], bool]:
    """The team searches the deck as it stands (the draft); the clinic only what was shared with it."""
    if team:
        sections = FeedbackSection.objects.filter(in_scope("report__dialogue_id", ids))
        sections = sections.select_related("report__dialogue__clinic").order_by("-pk")
        rows, more = _json_page(sections, F("items"), filters, lambda section: " ".join(section.items))
        return [
            Hit("deck", section.report.dialogue, section.title, "\n".join(section.items),
                reverse("feedback:report_detail", args=[section.report_id]) + f"#section-{section.key}")
            for section in rows
        ], more
    versions = SharedVersion.objects.filter(in_scope("report__dialogue_id", ids))
    versions = versions.select_related("report__dialogue__clinic").order_by("-pk")
    rows, more = _json_page(versions, DeckPoints(F("snapshot")), filters, lambda version: " ".join(_points(version)))
    hits, seen = [], set()
    for version in rows:
        if version.report_id in seen:
            continue  # the newest matching version of each report is enough
        seen.add(version.report_id)
        hits.append(Hit("deck", version.report.dialogue, _("Version %(number)s") % {"number": version.number},
                        "\n".join(_points(version)), reverse("feedback:version_detail", args=[version.pk])))
    return hits, more


def _points(version: SharedVersion) -> list[str]:
    return [str(item) for section in version.snapshot.get("sections", []) for item in section.get("items", [])]


def search_comments(ids: list[int], filters: SearchFilters) -> tuple[list[Hit], bool]:
    """The clinic's comments on shared versions and the team's replies, newest first (two queries)."""
    comments = _matching(ClinicComment.objects.filter(in_scope("version__report__dialogue_id", ids)), F("text"), filters, text_field="text")
    replies = _matching(TeamReply.objects.filter(in_scope("comment__version__report__dialogue_id", ids)), F("text"), filters, text_field="text")
    reach = filters.offset + LIMIT  # either kind may fill the page: read both to its end
    comment_rows, more_comments = _first(comments.select_related("version__report__dialogue__clinic").order_by("-pk"), reach)
    reply_rows, more_replies = _first(replies.select_related("comment__version__report__dialogue__clinic").order_by("-pk"), reach)
    hits = [
        (comment.created_at, Hit("comment", comment.version.report.dialogue, _("Vårdcentralens kommentar"), comment.text,
                                 reverse("feedback:version_detail", args=[comment.version_id])))
        for comment in comment_rows
    ] + [
        (reply.created_at, Hit("comment", reply.comment.version.report.dialogue, _("Uppföljningsteamets svar"), reply.text,
                               reverse("feedback:version_detail", args=[reply.comment.version_id])))
        for reply in reply_rows
    ]
    return _merged_page(hits, more_comments or more_replies, filters.offset)


def _first(queryset: QuerySet, count: int) -> tuple[list, bool]:
    rows = list(queryset[: count + 1])
    return rows[:count], len(rows) > count


def search_cases(ids: list[int], filters: SearchFilters) -> tuple[list[Hit], bool]:
    """Fördjupad uppföljning: the reasons and the notes (two queries). Only ever called for the team."""
    cases = _matching(Case.objects.filter(in_scope("dialogue_id", ids)), F("reason"), filters, text_field="reason")
    entries = CaseEntry.objects.filter(in_scope("case__dialogue_id", ids)).exclude(text="").exclude(kind=CaseEntryKind.OPENED)  # its text is the reason
    entries = _matching(entries, F("text"), filters, text_field="text")
    reach = filters.offset + LIMIT
    case_rows, more_cases = _first(cases.select_related("dialogue__clinic").order_by("-pk"), reach)
    entry_rows, more_entries = _first(entries.select_related("case__dialogue__clinic").order_by("-pk"), reach)
    hits = [(case.opened_at, Hit("case", case.dialogue, case.get_category_display(), case.reason,
                                 reverse("dialogs:case_detail", args=[case.pk])))
            for case in case_rows]
    hits += [(entry.created_at, Hit("case", entry.case.dialogue, entry.get_kind_display(), entry.text,
                                    reverse("dialogs:case_detail", args=[entry.case_id])))
             for entry in entry_rows]
    return _merged_page(hits, more_cases or more_entries, filters.offset)


def search(*, user, region: Region, filters: SearchFilters) -> list[Group]:
    """Everything the person may find for ``filters`` in the region, by kind (a fixed number of queries: at most
    eleven). The area and status filters belong to answers and agreements: with either set, only those are searched."""
    if not filters.words:
        return []
    team = can_see_cases(user, region)
    ids = searchable_dialogue_ids(user=user, region=region, filters=filters, team=team)
    if not ids:
        return []
    for_answers_and_agreements = bool(filters.area or filters.status)
    kinds = []
    if not filters.status:
        kinds.append(("answer", lambda: search_answers(ids, filters, team=reads_team_only(user, region))))
    kinds += [
        ("agreement", lambda: search_agreements(ids, filters)),
        ("agreement_comment", lambda: search_agreement_comments(ids, filters)),
    ]
    if not for_answers_and_agreements:
        kinds += [("deck", lambda: search_deck(ids, filters, team=team)), ("comment", lambda: search_comments(ids, filters))]
        if team:
            kinds.append(("case", lambda: search_cases(ids, filters)))
    groups = []
    for kind, run in kinds:
        hits, more = run()
        for hit in hits:
            hit.terms = filters.words
        if hits:
            groups.append(Group(kind, hits, more))
    return groups
