"""The positions dashboard: a static, self-contained page built from the analyst views after each load.

``$PARLEY_HOME/dashboard/index.html`` opens from ``file://`` with no network: Plotly's JavaScript comes
from the installed ``plotly`` package, the data are aggregated in SQL (``position_daily``,
``coverage_weekly``, ``quality_runs``, ``source_health``) and written as small script files, and the
evidence sentences are split into one file per actor and topic, loaded only when a chart asks for them.
"""

from warehouse.dashboard.build import DashboardReport, build_dashboard, refresh_runs

__all__ = ["DashboardReport", "build_dashboard", "refresh_runs"]
