"""The visual report: one self-contained HTML page with inline SVG charts.

:mod:`~scheduler.report.data` computes each chart's numbers from scenario,
roster and visit records; :mod:`~scheduler.report.svg` draws (escaping every
text); :mod:`~scheduler.report.charts` pairs the two; :mod:`~scheduler.report.html`
lays out the page; :mod:`~scheduler.report.run` is what ``report`` and
``export`` call; :mod:`~scheduler.report.cli` holds those click commands.
"""
