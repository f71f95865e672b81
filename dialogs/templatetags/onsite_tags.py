"""Parts of the on-site form's questions, as filters, for speed: a screen has up to a hundred questions.

The status line through ``{% blocktranslate %}`` with a ``date`` filter cost a fifth of the page's rendering;
the filters use the template's own messages (same msgids), so their translations are unchanged. A question's
follow-up questions and data-source hints never change in a published version: they are rendered once per
version, question and language and kept with the version's structure (selectors/guide_structure.py).
"""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def answer_status(item) -> SafeString:
    """"Inte sparat", "Sparat 10:42 av Anna Berg" or "Inte besvarad ännu" for a ``selectors.onsite.QuestionItem``."""
    if item.is_unsaved:
        return escape(_("Inte sparat"))
    if item.revision:
        saved_at = timezone.localtime(item.answer.updated_at).strftime("%H:%M")
        return mark_safe(_("Sparat %(time)s av %(name)s") % {"time": saved_at, "name": escape(item.saved_by)})
    return escape(_("Inte besvarad ännu"))


@register.filter
def history_label(revisions: int) -> SafeString:
    """"Historik (3 ändringar)": the link to an answer's history with its number of changes."""
    return escape(ngettext("Historik (%(counter)s ändring)", "Historik (%(counter)s ändringar)", revisions) % {"counter": revisions})


@register.filter
def guide_details(item) -> SafeString:
    """The follow-up questions and data-source hints of a ``selectors.onsite.QuestionItem``'s question."""
    key = ("onsite_guide_details", item.question.pk, get_language())
    html = item.fragments.get(key)
    if html is None:
        html = render_to_string(
            "dialogs/onsite/_guide_details.html",
            {"question": item.question, "followups": item.followups, "sources": item.data_sources},
        )
        item.fragments[key] = html
    return html
