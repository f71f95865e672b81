"""Benchmark of the statistics behind the indicator pages (issue 5): Anhøj's run-chart rules on ten years of
months, and funnel limits for a national region of 1,200 clinics (proportions and rates). Pure functions, no
database. Prints one JSON document with the median and slowest time of each in milliseconds.

    .venv/bin/python bench/stats.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators.stats import funnel_curve, funnel_curve_rate, run_chart  # noqa: E402


def _time(function, repeat: int) -> dict:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {"median_ms": round(1000 * statistics.median(seconds), 3), "max_ms": round(1000 * max(seconds), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    months = [50 + 10 * math.sin(i * 1.7) for i in range(120)]
    denominators = [20 + (i * 7919) % 3000 for i in range(1200)]
    exposures = [1000 + (i * 104729) % 29000 for i in range(1200)]
    results = {
        "run_chart_120_months": _time(lambda: run_chart(months), args.repeat),
        "funnel_proportion_1200_clinics": _time(lambda: funnel_curve(0.62, denominators), args.repeat),
        "funnel_rate_1200_clinics": _time(lambda: funnel_curve_rate(45.0, exposures), args.repeat),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
