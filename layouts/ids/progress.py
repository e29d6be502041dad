"""Ids of the 双链进度 page and its case detail page."""

from enum import StrEnum


class Progress(StrEnum):
    URL = "progress-url"
    REQUESTED = "progress-requested"
    UNIT = "progress-unit"
    AS_OF = "progress-as-of"
    VOLTAGE = "progress-voltage"
    CLASS = "progress-class"
    KEY = "progress-key"
    STATES = "progress-states"
    APPLIED = "progress-applied"
    PARTY = "progress-party"
    SEARCH = "progress-search"
    RISK = "progress-risk"
    CALC_CAPACITY = "progress-calc-capacity"
    CALC_VOLTAGE = "progress-calc-voltage"
    CALC_RESULT = "progress-calc-result"
    CALC_FIGURE = "progress-calc-figure"
    NOTICE = "progress-notice"
    COUNT = "progress-count"
    GRID = "progress-grid"
    QUERY = "progress-query"
    ROWS_QUERY = "progress-rows-query"  # the query the grid's latest block was read with
    WAIT = "progress-wait"
    PARTIES = "progress-parties"


class CasePage(StrEnum):
    URL = "case-url"
    CASE_ID = "case-id"
    AS_OF = "case-as-of"
    BODY = "case-body"
    PRINT = "case-print"
    XLSX = "case-xlsx"
    DOWNLOAD = "case-download"
