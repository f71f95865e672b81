"""Benchmark of the feedback deck (issue 6, "Speed").

Builds, in a throwaway SQLite database, the demo (the complete demo dialogue: every question of the SKR guide
answered, follow-up meeting booked) and gives its feedback eight indicator charts with ten years of data for
the clinic, the region and the country. Then it times, as the median of ``--repeat`` runs:

- ``pptx`` and ``pdf``: the whole generation a download does (``deck_build_pptx``/``deck_build_pdf``: the
  content from the database, the charts from ``indicators.charts``, and rendering),
- ``content``: building the content alone, and ``pptx_render``/``pdf_render``: rendering alone,
- ``share``: sharing a new version (content once, both files, stored), which a request does synchronously,

and the peak memory of one PPTX and one PDF generation (Python allocations, by tracemalloc, in a separate run
so that tracing does not slow the timed runs), plus the process's peak RSS. Goals: PPTX < 1 s, PDF < 3 s.
Prints one JSON document.

    .venv/bin/python bench/deck.py [--repeat 5] [--charts 8]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GOALS_MS = {"pptx": 1000, "pdf": 3000}


def _setup(workdir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    logging.disable(logging.WARNING)  # WeasyPrint's messages would drown the JSON


def _more_indicators(clinic, wanted: int) -> list:
    """The demo's indicators with data for the clinic, topped up to ``wanted`` with copies of their series
    under new codes (same shape of data: clinic with women/men, region and country, ten years)."""
    from indicators.models import Indicator, Observation
    from indicators.selectors.series import clinic_indicators

    indicators = clinic_indicators(clinic)
    number = 0
    while len(indicators) < wanted:
        template = indicators[number % len(indicators)]
        copy = Indicator.objects.create(
            code=f"BENCH-{number}", name=f"{template.name} (kopia {number + 1})", source=template.source,
            unit=template.unit, polarity=template.polarity, target=template.target,
        )
        rows = Observation.objects.filter(indicator=template).filter(clinic__isnull=True) | Observation.objects.filter(
            indicator=template, clinic=clinic
        )
        Observation.objects.bulk_create(
            Observation(**{**{f.attname: getattr(row, f.attname) for f in Observation._meta.concrete_fields},
                           "id": None, "indicator_id": copy.pk})
            for row in rows
        )
        indicators.append(copy)
        number += 1
    return indicators[:wanted]


def _time(function, repeat: int) -> dict:
    function()  # warm up: templates, fonts, imports
    timings = []
    for _run in range(repeat):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(timings), 1), "max_ms": round(max(timings), 1)}


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _peak_mb(function) -> dict:
    """Peak memory of one generation: Python allocations (tracemalloc) and, on Linux, how far the process's
    resident memory rose above where it stood (the high-water mark is reset first), which also counts the C
    libraries (lxml, Pango, cairo) that tracemalloc cannot see."""
    rss_growth = None
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        before = _status_kb("VmRSS")
    except OSError:
        before = None
    tracemalloc.start()
    try:
        function()
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    peak = _status_kb("VmHWM")
    if before is not None and peak is not None:
        rss_growth = round((peak - before) / 1024, 1)
    return {"python_mb": round(python_peak / 1024 / 1024, 1), "rss_growth_mb": rss_growth}


def _share_changed(services, report, user) -> None:
    """Share a new version: an unchanged draft is refused (NothingChanged), so each run first adds one point to the
    first section (one small UPDATE, timed with the share)."""
    section = report.sections.order_by("position").first()
    section.items = [*section.items, f"Punkt {len(section.items) + 1}"]
    section.save(update_fields=["items"])
    services.feedback_share(report=report, user=user)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--charts", type=int, default=8)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-deck-")
    try:
        _setup(workdir)
        from django.core.management import call_command

        from feedback import services
        from feedback.demo import complete_dialogue
        from feedback.models import FeedbackReport
        from feedback.renderers.pdf import render_pdf
        from feedback.renderers.pptx import render_pptx

        call_command("migrate", verbosity=0)
        call_command("load_content", verbosity=0, stdout=open(os.devnull, "w"))
        call_command("demo", force=True, stdout=open(os.devnull, "w"))
        dialogue = complete_dialogue()
        report = FeedbackReport.objects.get(dialogue=dialogue)
        user = dialogue.team_members.first().user
        services.feedback_charts_save(report=report, user=user, indicators=_more_indicators(dialogue.clinic, args.charts))
        content = services.deck_content(report=report, version_label="Bänk", author="Bänk")
        pptx_bytes, pdf_bytes = render_pptx(content), render_pdf(content)

        results: dict[str, object] = {
            "dialogue": {"clinic": dialogue.clinic.name, "answers": dialogue.answers.count(), "charts": len(content.charts),
                         "series_points": sum(len(s.values) for c in content.charts for s in c.series)},
            "repeat": args.repeat,
            "pptx": _time(lambda: services.deck_build_pptx(report=report, user=user), args.repeat),
            "pdf": _time(lambda: services.deck_build_pdf(report=report, user=user), args.repeat),
            "content": _time(lambda: services.deck_content(report=report, version_label="Bänk", author="Bänk"), args.repeat),
            "pptx_render": _time(lambda: render_pptx(content), args.repeat),
            "pdf_render": _time(lambda: render_pdf(content), args.repeat),
            "share": _time(lambda: _share_changed(services, report, user), max(1, args.repeat // 2)),
            "files": {"pptx_bytes": len(pptx_bytes), "pdf_bytes": len(pdf_bytes)},
            "peak_memory_mb": {
                "pptx": _peak_mb(lambda: services.deck_build_pptx(report=report, user=user)),
                "pdf": _peak_mb(lambda: services.deck_build_pdf(report=report, user=user)),
                "process_max_rss": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            "goals_ms": GOALS_MS,
        }
        results["meets_goals"] = {name: results[name]["median_ms"] < goal for name, goal in GOALS_MS.items()}
        results["load_average"] = [round(value, 2) for value in os.getloadavg()]
        print(json.dumps(results, indent=2, ensure_ascii=False))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
