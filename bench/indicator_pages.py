"""Benchmark of the indicator pages (issue 5, "Speed"): a clinic's indicator page with 60 indicators and
10 years, presentation mode for the same clinic, and one indicator across the region (funnel plot for every
clinic, the clinics' run charts a page at a time).

It fills a throwaway database (SQLite by default; set DATABASE_URL=postgres://… for PostgreSQL, into a
database it may fill) with ``--clinics`` clinics × ``--indicators`` indicators × ``--years`` years × 3 sexes,
plus the region's and the country's values, signs in an uppföljare and times each page through Django's test
client. A second region with ``--scale-clinics`` clinics (300 by default) and one indicator shows how the
indicator page grows with the number of clinics: its first page, only the flagged clinics, a search by name
and the last page, each with the run charts it draws. Prints one JSON document: median and slowest time in
milliseconds over ``--repeat`` runs, the SQL queries each page took, and its size in bytes.

    .venv/bin/python bench/indicator_pages.py [--clinics 100] [--indicators 60] [--years 10] [--repeat 5]
                                              [--scale-clinics 300]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pagetiming import time_pages

BASE_DIR = Path(__file__).resolve().parent.parent


def plotly_api_figure(spec) -> dict:
    """The same figure as ``indicators.charts.to_plotly`` builds, built with plotly's Python API (graph_objects,
    which validates every property) and turned into JSON-ready dicts the way a page would inline it."""
    import plotly.graph_objects as go

    from indicators.charts import to_plotly

    figure = to_plotly(spec)
    traces = [go.Bar(**trace) if trace["type"] == "bar" else go.Scatter(**trace) for trace in
              [{key: value for key, value in trace.items() if key != "type"} | {"type": trace["type"]}
               for trace in figure["data"]]]
    built = go.Figure(data=traces, layout=go.Layout(**figure["layout"]))
    return {"data": built.to_plotly_json()["data"], "layout": built.to_plotly_json()["layout"], "config": figure["config"]}


def plotly_cost(clinic, indicators, *, repeat: int, page_ms: float) -> dict:
    """Presentation mode's figures (one per indicator) built as plain dicts (what the page does) and with plotly's
    Python API: the milliseconds of each, and the API's extra time as a share of the page's server time (issue
    11: the API is used unless it costs more than 20 % of it)."""
    import statistics

    from indicators import charts

    specs = [chart.spec for chart in charts.clinic_indicator_charts(clinic, indicators)]

    def timed(build) -> float:
        runs = []
        for _run in range(repeat):
            started = time.perf_counter()
            for spec in specs:
                build(spec)
            runs.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(runs), 1)

    dicts_ms = timed(lambda spec: charts.to_plotly(spec, font_size=20))
    api_ms = timed(plotly_api_figure)
    return {
        "figures": len(specs),
        "dicts_median_ms": dicts_ms,
        "plotly_api_median_ms": api_ms,
        "api_extra_share_of_page": round((api_ms - dicts_ms) / page_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, default=100)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale-clinics", type=int, default=300)
    args = parser.parse_args()

    if "DATABASE_URL" not in os.environ:
        workdir = tempfile.mkdtemp(prefix="bench-indicators-")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(BASE_DIR))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # the access log's line per request would mix with the JSON

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from indicators.models import DataSource, Granularity, ImportBatch, Indicator, Observation, Sex, UnitKind
    from organisations.models import Clinic, Membership, Party, Region, Role

    call_command("migrate", verbosity=0)
    generator = random.Random(5)

    def fill(clinic_count: int, indicator_count: int):
        """A region with its clinics, indicators and observations, and an uppföljare signed in to it."""
        region = Region.objects.create(name=f"Region Bänk {time.time_ns()}")
        clinics = Clinic.objects.bulk_create(
            Clinic(region=region, name=f"Vårdcentral {n:04d}", hsa_id=f"BENCH-{region.pk}-{n}",
                   listed_patients=3000 + 90 * n)
            for n in range(clinic_count)
        )
        source = DataSource.objects.create(name="Bänkkälla", slug=f"bank-{region.pk}")
        indicators = Indicator.objects.bulk_create(
            Indicator(code=f"B{region.pk}-{n}", name=f"Indikator {n:02d}", source=source, region=region, target=60)
            for n in range(indicator_count)
        )
        batch = ImportBatch.objects.create(region=region, file_name="bench.csv", checksum="0" * 64, status="done")
        rows = []
        years = [(date(2015 + offset, 1, 1), date(2015 + offset, 12, 31)) for offset in range(args.years)]
        for indicator in indicators:
            for start, end in years:
                for sex in (Sex.TOTAL, Sex.WOMEN, Sex.MEN):
                    common = dict(indicator=indicator, period_start=start, period_end=end,
                                  granularity=Granularity.YEAR, sex=sex, batch=batch, owner=region)
                    rows.append(Observation(unit_kind=UnitKind.REGION, region=region, value=55.0, **common))
                    rows.append(Observation(unit_kind=UnitKind.NATION, value=54.0, **common))
                    for clinic in clinics:
                        denominator = clinic.listed_patients // (10 if sex == Sex.TOTAL else 20)
                        numerator = int(denominator * generator.uniform(0.45, 0.65))
                        rows.append(Observation(unit_kind=UnitKind.CLINIC, clinic=clinic, numerator=numerator,
                                                denominator=denominator,
                                                value=round(100 * numerator / denominator, 1), **common))
            if len(rows) > 50_000:
                Observation.objects.bulk_create(rows, batch_size=5000)
                rows = []
        Observation.objects.bulk_create(rows, batch_size=5000)
        user = get_user_model().objects.create_user(f"bench-{region.pk}", password="not-used-anywhere-1")
        Membership.objects.create(user=user, region=region, role=Role.UPPFOLJARE, party=Party.BESTALLARE)
        client = Client()
        client.force_login(user)
        return client, clinics, indicators, batch

    client, clinics, indicators, batch = fill(args.clinics, args.indicators)
    clinic = clinics[len(clinics) // 2]
    pages = {
        "clinic_page": reverse("indicators:clinic_indicators", args=[clinic.pk]),
        "presentation_mode": reverse("indicators:clinic_presentation", args=[clinic.pk]),
        "indicator_page": reverse("indicators:indicator_region", args=[indicators[0].pk]),
    }
    results: dict[str, object] = {
        "database": connection.vendor,
        "clinics": args.clinics,
        "indicators": args.indicators,
        "years": args.years,
        "observations": Observation.objects.filter(batch=batch).count(),
        "repeat": args.repeat,
    }
    results.update(time_pages(client, pages, repeat=args.repeat))
    results["plotly_figures"] = plotly_cost(clinic, indicators, repeat=args.repeat,
                                            page_ms=results["presentation_mode"]["median_ms"])

    scale_client, scale_clinics, scale_indicators, _batch = fill(args.scale_clinics, 1)
    indicator_page = reverse("indicators:indicator_region", args=[scale_indicators[0].pk])
    scale_pages = {
        "first_page": indicator_page,
        "flagged_only": f"{indicator_page}?avvikande=on",
        "search": f"{indicator_page}?sok={scale_clinics[-1].name.split()[-1]}",
        "last_page": f"{indicator_page}?sida=9999",
    }
    scale = time_pages(scale_client, scale_pages, repeat=args.repeat)
    for name, url in scale_pages.items():
        content = scale_client.get(url).content.decode()
        figures = json.loads(re.search(r'<script id="chart-figures" type="application/json">(.*?)</script>', content, re.S)[1])
        scale[name]["run_charts"] = sum(1 for dom_id in figures if dom_id.startswith("klinik-"))
        scale[name]["funnel_points"] = len(figures["tratt"]["data"][0]["x"]) if "tratt" in figures else 0
    results["indicator_page_scale"] = {"clinics": args.scale_clinics, **scale}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
