"""``newsdedup report``: a self-contained HTML page (or its JSON twin) of what a run did and of the
output's history.

:mod:`~newsdedup.report.files` reads the output folder and writes the report; :mod:`~newsdedup.report.gather`
and :mod:`~newsdedup.report.near` compute its sections from DataFrames (pure);
:mod:`~newsdedup.report.charts` and :mod:`~newsdedup.report.render` turn them into a page;
:mod:`~newsdedup.report.build` joins the three.
"""

from newsdedup.report.build import FORMATS, ReportLimits, build_report, write_report

__all__ = ["FORMATS", "ReportLimits", "build_report", "write_report"]
