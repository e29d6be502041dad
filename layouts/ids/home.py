"""Ids of the home page (KPI header and unit overview)."""

from enum import StrEnum


class Home(StrEnum):
    URL = "home-url"
    UNIT = "home-unit"
    AS_OF = "home-as-of"
    PERIOD = "home-period"
    NOTICE = "home-notice"
    KPIS = "home-kpis"
    ATTENTION = "home-attention"
    UNITS_TABLE = "home-units-table"
    STAMP = "home-stamp"
    REFRESH = "home-refresh"
    REQUESTED = "home-requested"
