"""Ids of the 三通报 page."""

from enum import StrEnum


class Rankings(StrEnum):
    URL = "rankings-url"
    REQUESTED = "rankings-requested"
    KIND = "rankings-kind"
    PERIOD = "rankings-period"
    UNIT = "rankings-unit"
    AS_OF = "rankings-as-of"
    NOTICE = "rankings-notice"
    TITLE = "rankings-title"
    SUMMARY = "rankings-summary"
    TABLE = "rankings-table"
    BARS = "rankings-bars"
    HISTORY = "rankings-history"
    XLSX = "rankings-xlsx"
    PRINT = "rankings-print"
    DOWNLOAD = "rankings-download"
