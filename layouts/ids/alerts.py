"""Ids of the 超时预警 page."""

from enum import StrEnum


class Alerts(StrEnum):
    URL = "alerts-url"
    REQUESTED = "alerts-requested"
    UNIT = "alerts-unit"
    AS_OF = "alerts-as-of"
    PERIOD = "alerts-period"
    VOLTAGE = "alerts-voltage"
    CLASS = "alerts-class"
    KEY = "alerts-key"
    METRIC = "alerts-metric"
    NOTICE = "alerts-notice"
    BREADCRUMB = "alerts-breadcrumb"
    HEATMAP = "alerts-heatmap"
    DRILL_TITLE = "alerts-drill-title"
    DRILL_GRID = "alerts-drill-grid"
    EXPORT_CSV = "alerts-export-csv"
    EXPORT_XLSX = "alerts-export-xlsx"
    DOWNLOAD = "alerts-download"
    TREND = "alerts-trend"
    WARN_COUNTS = "alerts-warn-counts"
    WARN_GRID = "alerts-warn-grid"
    STAMP = "alerts-stamp"
    REFRESH = "alerts-refresh"


DRILL_UNIT = "alerts-drill-unit"


def drill_unit(code: str) -> dict:
    """Id of the button that drills the heatmap into one unit."""
    return {"type": DRILL_UNIT, "code": code}
