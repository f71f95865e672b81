"""Rules a row's numbers keep given what the indicator measures, shared by the check of the file's own unit label
(``normalize``: "Andel (%)", "Antal") and the check against the library's unit (``resolve``):

* a count (unit "Antal"/count) is never negative (a fractional one may be an average of counts, and is shown
  without an interval);
* numerators and denominators of counts and of proportions are whole numbers (people, visits, events);
* a proportion in percent whose numerator and denominator are both given agrees with them: 100 × numerator /
  denominator, within the rounding of a value given to whole percent; a denominator of 0 leaves no proportion.

The 0–100 range and "numerator ≤ denominator" for proportions stay with their callers (they came first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

# A value given to whole percent (72 for 72.4 %) differs from 100 × numerator / denominator by at most half a
# percentage point; a little more is allowed for the binary floating point of both.
PERCENT_TOLERANCE = 0.5 + 1e-6


@dataclass(frozen=True)
class Breach:
    """Rows that break a rule, the number column at fault ("value", "numerator" or "denominator") and one message
    per row."""

    rows: np.ndarray
    column: str
    messages: list[str]


def number_text(number: float) -> str:
    """A number in a message, with a decimal comma: 52.5 → "52,5", 1e13 → "1e+13"."""
    return f"{number:.10g}".replace(".", ",")


def unit_rules(
    value: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, *, percent: np.ndarray, count: np.ndarray
) -> list[Breach]:
    """The rows of ``percent`` and ``count`` (masks) whose numbers cannot be right; NaN (not given) breaks nothing."""
    breaches = _count_values(value, count)
    for column, numbers in (("numerator", numerator), ("denominator", denominator)):
        fractional = (percent | count) & np.isfinite(numbers) & (numbers != np.floor(numbers))
        rows = np.flatnonzero(fractional)
        message = _("Talet %(value)s är inte ett heltal, men täljare och nämnare räknar antal.")
        breaches.append(Breach(rows, column, [message % {"value": number_text(numbers[r])} for r in rows.tolist()]))
    breaches.extend(_percent_agrees(value, numerator, denominator, percent))
    return [breach for breach in breaches if len(breach.rows)]


def _count_values(value: np.ndarray, count: np.ndarray) -> list[Breach]:
    negative = np.flatnonzero(count & np.isfinite(value) & (value < 0))
    message = _("Värdet %(value)s är negativt, men ett antal kan inte vara negativt.")
    return [Breach(negative, "value", [message % {"value": number_text(value[r])} for r in negative.tolist()])]


def _percent_agrees(
    value: np.ndarray, numerator: np.ndarray, denominator: np.ndarray, percent: np.ndarray
) -> list[Breach]:
    """A percentage beside both its counts is 100 × numerator / denominator (a numerator above the denominator or a
    negative count is the callers' error already)."""
    given = percent & np.isfinite(value) & np.isfinite(numerator) & np.isfinite(denominator)
    given &= (value >= 0) & (value <= 100) & (numerator >= 0) & (numerator <= denominator)
    zero = np.flatnonzero(given & (denominator == 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = 100.0 * numerator / denominator
        wrong = np.flatnonzero(given & (denominator > 0) & (np.abs(value - expected) > PERCENT_TOLERANCE))
    zero_message = _(
        "Nämnaren är 0, så värdet %(value)s kan inte stämma för en andel. Lämna värdet tomt eller rätta nämnaren."
    )
    wrong_message = _(
        "Värdet %(value)s stämmer inte med täljaren %(numerator)s och nämnaren %(denominator)s, "
        "som ger %(expected)s %%."
    )
    return [
        Breach(zero, "value", [zero_message % {"value": number_text(value[r])} for r in zero.tolist()]),
        Breach(wrong, "value", [
            wrong_message % {"value": number_text(value[r]), "numerator": number_text(numerator[r]),
                             "denominator": number_text(denominator[r]), "expected": number_text(round(expected[r], 1))}
            for r in wrong.tolist()
        ]),
    ]
