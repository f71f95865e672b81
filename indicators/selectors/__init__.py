"""Reads of the indicators app, one module per area; each function runs a fixed number of queries (DESIGN.md
rule 7), whatever the number of indicators, clinics or years.

* ``series`` – a clinic's indicators: their series with the region's and the country's benchmarks, 95 %
  intervals, comparisons and run-chart verdicts (the clinic page, presentation mode, the indicators beside a
  guide question, the charts of a feedback deck);
* ``region`` – one indicator across the region: the funnel plot and every clinic's run chart;
* ``questions`` – the guide questions an indicator informs.
"""
