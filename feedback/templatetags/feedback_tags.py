"""The deck's figures for the feedback pages (the same data the PPTX and PDF draw)."""

from django import template

from feedback.renderers import figures

register = template.Library()


@register.simple_tag
def five_p_domains():
    return figures.FIVE_P


@register.simple_tag
def staircase_steps():
    return figures.staircase()


@register.simple_tag
def staircase_caption():
    return figures.STAIRCASE_CAPTION


@register.simple_tag
def figure_attribution():
    return figures.FIGURE_ATTRIBUTION


@register.simple_tag
def list_texts() -> dict:
    """The words of static/js/feedback-lists.js, translated (%(name)s placeholders are filled in there)."""
    from django.utils.translation import gettext as _

    return {
        "addPoint": _("Lägg till en punkt"),
        "addLink": _("Lägg till en länk"),
        "pointN": _("Punkt %(number)s"),
        "linkN": _("Länk %(number)s (beskrivning | adress)"),
        "moveUp": _("Flytta punkt %(number)s uppåt"),
        "moveDown": _("Flytta punkt %(number)s nedåt"),
        "remove": _("Ta bort punkt %(number)s"),
        "moved": _("Punkt %(from)s är nu punkt %(to)s."),
        "removed": _("Punkt %(number)s är borttagen."),
        "pointsHelp": _("Ett fält per punkt. Ordningen här är ordningen i presentationen; flytta med pilarna."),
        "linksHelp": _("Ett fält per länk: beskrivning | https://… (beskrivningen kan utelämnas)."),
    }


@register.simple_tag
def lookup(mapping: dict, key):
    """``mapping[key]``, or None: ``{% lookup built section.key as items %}``."""
    return mapping.get(key) if isinstance(mapping, dict) else None
