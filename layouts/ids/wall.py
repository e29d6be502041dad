"""Ids of the wall screen."""

from enum import StrEnum

# the views that take turns in the wall's centre panel (the KPI band, ranking, warnings and 责任边界 always show)
VIEWS = {
    "kpi": "超时热力图",
    "capacity": "可开放容量",
    "bottleneck": "双链卡点",
}
# names of the earlier full-screen rotation, still accepted in saved URLs: their content is now always on screen
ALWAYS_SHOWN = ("ranking", "warnings")


class Wall(StrEnum):
    ROOT = "wall-root"
    CONFIG = "wall-config"
    SCREEN = "wall-screen"
    LAST_GOOD = "wall-last-good"
    TICK = "wall-tick"
    REFRESH = "wall-refresh"
    RELOAD = "wall-reload"
    STAMP = "wall-stamp"
    CLOCK = "wall-clock"
    BANNER = "wall-banner"
    TITLE = "wall-title"
    KPIS = "wall-kpis"
    HEATMAP = "wall-heatmap"
    WAIT = "wall-wait"
    PARTIES = "wall-parties"
    MAP = "wall-map"
    RANKING = "wall-ranking"
    WARNINGS = "wall-warnings"
    WARN_TITLE = "wall-warn-title"
    DOTS = "wall-dots"


def view_id(name: str) -> str:
    """Id of the container of one centre view."""
    return f"wall-view-{name}"


def dot_id(name: str) -> str:
    """Id of the marker that says which centre view is up."""
    return f"wall-dot-{name}"
