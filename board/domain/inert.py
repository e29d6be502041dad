"""Data leaves the building as data: spreadsheet cells that Excel would run as formulas are made plain text."""

from __future__ import annotations

import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?$")


def cell(value):
    """A value safe for CSV/XLSX: text that Excel would treat as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def frame(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table with every text cell made inert."""
    out = data.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(cell)
    return out
