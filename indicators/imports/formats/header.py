"""The header row: which column holds what, by name (case-, whitespace-, punctuation- and diacritic-insensitive),
never by position; unknown extra columns are ignored. A header with any of Vården i siffror's own column names
(``Diagramrubrik``, ``Mätperiod``, ``Kön Totalt`` …) is read as that export, which requires its columns; any
other as the application's generic layout (Swedish or English names)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.imports.cells import norm_key
from indicators.imports.frame import RowError, quote

# canonical field -> accepted header names (normalised with norm_key)
ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indikator", "indikatorid", "indikatorkod", "indicator", "indicatorid", "indicatorcode", "kpi"),
    "chart_title": ("diagramrubrik",),
    "indicator_name": ("indikatornamn", "titel", "indicatorname", "title"),
    "source": ("kalla", "registerkalla", "register", "datakalla", "source"),
    "unit_kind": ("enhetstyp", "unittype", "unitkind"),
    "region_code": ("regionskod", "regionkod", "regioncode"),
    "unit_code": ("enhet", "hsaid", "enhetskod", "enhetsid", "unit", "unitcode", "unitid"),
    "unit_name": ("enhetsnamn", "unitname"),
    "sex": ("kon", "kontotalt", "sex", "gender"),
    "period": ("period", "matperiod", "tidsperiod", "ar", "year"),
    "value": ("varde", "value"),
    "numerator": ("taljare", "numerator"),
    "denominator": ("namnare", "namnareantalfall", "antalfall", "denominator"),
    "unit_label": ("mattenhet", "matt", "unitlabel", "unitofmeasure", "measure"),
    "status": ("status", "vardestatus"),
}
_ALIAS_LOOKUP = {alias: fieldname for fieldname, aliases in ALIASES.items() for alias in aliases}
# Header names that only occur in Vården i siffror exports.
VIS_MARKERS = frozenset(
    {"diagramrubrik", "matperiod", "kontotalt", "namnareantalfall", "registerkalla", "regionskod", "enhetskod",
     "indikatorid"}
)


@dataclass
class Layout:
    is_vis: bool
    columns: dict[str, int]  # canonical field -> column index
    names: dict[str, str]  # canonical field -> header as written in the file


def clean_header(name: object) -> str:
    return (
        unicodedata.normalize("NFC", str(name if name is not None else ""))
        .replace("\ufeff", "")
        .strip()
        .strip('"')
        .strip()
    )


def is_vis_header(headers: Sequence[str]) -> bool:
    return any(norm_key(header) in VIS_MARKERS for header in headers)


def map_header(headers: Sequence[str], header_line: int = 1) -> tuple[Layout | None, list[RowError]]:
    """The layout of a header row, or None and the errors that say what is wrong with it."""
    cleaned = [clean_header(h) for h in headers]
    keys = [norm_key(h) for h in cleaned]
    is_vis = any(k in VIS_MARKERS for k in keys)
    found: dict[str, list[int]] = {}
    for idx, key in enumerate(keys):
        fieldname = _ALIAS_LOOKUP.get(key)
        if fieldname is not None:
            found.setdefault(fieldname, []).append(idx)
    errors = [
        RowError(
            header_line,
            None,
            _("Kolumnerna %(columns)s betyder samma sak. Ta bort alla utom en.")
            % {"columns": ", ".join(quote(cleaned[i]) for i in idxs)},
        )
        for idxs in found.values()
        if len(idxs) > 1
    ]
    required, missing = _missing_vis(found) if is_vis else _missing_generic(found)
    if missing:
        errors.insert(0, _unknown_layout(cleaned, required, missing))
    if errors:
        return None, errors
    columns = {f: idxs[0] for f, idxs in found.items()}
    names = {f: cleaned[i] for f, i in columns.items()}
    return Layout(is_vis=is_vis, columns=columns, names=names), []


def _missing_vis(found: dict) -> tuple[str, list[str]]:
    missing = []
    if "indicator_code" not in found and "chart_title" not in found:
        missing.append(_("Diagramrubrik eller Indikator-Id"))
    if "unit_code" not in found and "unit_name" not in found:
        missing.append(_("Enhetsnamn eller Enhetskod"))
    if "period" not in found:
        missing.append("Mätperiod")
    if "value" not in found:
        missing.append("Värde")
    return _("Diagramrubrik eller Indikator-Id, Enhetsnamn eller Enhetskod, Mätperiod, Värde"), missing


def _missing_generic(found: dict) -> tuple[str, list[str]]:
    required = {
        "indicator_code": _("indikator"),
        "unit_code": _("enhet (eller hsa-id)"),
        "period": _("period"),
        "value": _("värde"),
    }
    return _("indikator, enhet (eller hsa-id), period, värde"), [
        label for fieldname, label in required.items() if fieldname not in found
    ]


def _unknown_layout(cleaned: list[str], required: str, missing: list[str]) -> RowError:
    shown = [c for c in cleaned if c]
    return RowError(
        None,
        None,
        _(
            "Rubrikraden matchar inget känt format. Hittade kolumner: %(found)s. "
            "Obligatoriska kolumner: %(required)s. Saknas: %(missing)s."
        )
        % {
            "found": ", ".join(quote(c) for c in shown[:40]) or _("(inga)"),
            "required": required,
            "missing": ", ".join(missing),
        },
    )
