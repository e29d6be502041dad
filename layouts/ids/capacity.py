"""Ids of the 可开放容量 page."""

from enum import StrEnum


class Capacity(StrEnum):
    URL = "capacity-url"
    AS_OF = "capacity-as-of"
    SUBSTATION = "capacity-substation"
    CLASSES = "capacity-classes"
    KIND = "capacity-kind"
    LOAD = "capacity-load"
    QUERY = "capacity-query"
    CLEAR = "capacity-clear"
    LOCATION = "capacity-location"
    POINT = "capacity-point"
    SELECTED = "capacity-selected"
    CANDIDATES = "capacity-candidates"
    MESSAGE = "capacity-message"
    RESULT = "capacity-result"
    MAP = "capacity-map"
    GRID = "capacity-grid"
    EXPORT_CSV = "capacity-export-csv"
    EXPORT_XLSX = "capacity-export-xlsx"
    DOWNLOAD = "capacity-download"
    NOTICE = "capacity-notice"
    SUB_BARS = "capacity-sub-bars"
    CLASS_SHARE = "capacity-class-share"
    SUPPLY = "capacity-supply"
