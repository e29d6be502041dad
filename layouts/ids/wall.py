"""Ids of the wall screen."""

from enum import StrEnum

VIEWS = {
    "kpi": "总览与超时热力图",
    "bottleneck": "双链卡点与责任边界",
    "capacity": "可开放容量",
    "ranking": "本周时限排名",
    "warnings": "超时预警清单",
}


class Wall(StrEnum):
    ROOT = "wall-root"
    CONFIG = "wall-config"
    SCREEN = "wall-screen"
    LAST_GOOD = "wall-last-good"
    TICK = "wall-tick"
    REFRESH = "wall-refresh"
    RELOAD = "wall-reload"
    STAMP = "wall-stamp"
    BANNER = "wall-banner"
    TITLE = "wall-title"
    KPIS = "wall-kpis"
    HEATMAP = "wall-heatmap"
    WAIT = "wall-wait"
    PARTIES = "wall-parties"
    MAP = "wall-map"
    RANKING = "wall-ranking"
    WARNINGS = "wall-warnings"


def view_id(name: str) -> str:
    """Id of the container of one view."""
    return f"wall-view-{name}"
