"""BoardService: the one object an app or a CLI command holds; each page's use cases live in their own module.

Where to look: 总览 overview.py, 双链进度 and the case page progress.py, 工期预估 forecast.py, 超时预警 alerts.py,
三通报 rankings.py, 可开放容量 capacity.py, the 双链进度 grid portfolio.py; engine, rules, calendar, scope and the
cache core.py; the read model refresh.py.
"""

from __future__ import annotations

from board.usecases.alerts import TREND_WEEKS, AlertsData, AlertViews
from board.usecases.capacity import CapacityData, CapacityViews, load_areas
from board.usecases.core import ServiceCore, load_calendar
from board.usecases.forecast import ForecastViews
from board.usecases.overview import OverviewViews, Workload
from board.usecases.portfolio import PortfolioQuery, PortfolioSummary, PortfolioViews
from board.usecases.progress import CaseDetail, PortfolioData, ProgressViews, due_dates, format_stage_report
from board.usecases.rankings import RankingViews

__all__ = [
    "TREND_WEEKS", "AlertsData", "BoardService", "CapacityData", "CaseDetail", "PortfolioData", "PortfolioQuery",
    "PortfolioSummary", "Workload",
    "due_dates", "format_stage_report", "load_areas", "load_calendar",
]  # fmt: skip


class BoardService(
    OverviewViews, ProgressViews, PortfolioViews, ForecastViews, AlertViews, RankingViews, CapacityViews, ServiceCore
):
    """Queries + rules for one settings object; safe to share across requests (holds no request data)."""
